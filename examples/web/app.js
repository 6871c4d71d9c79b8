// consentkit web example: a person's wallet ("My data deals") and an
// auditor's view ("Audit"), both on the npm package's web target.
//
// The person's key is a non-extractable WebCrypto ECDSA P-256 key: the
// wallet prepares each grant, refusal or withdrawal (the library builds the
// bytes), WebCrypto signs them asynchronously, and the wallet completes and
// checks the artifact. The wallet's bytes and the key live in IndexedDB.
// The companies are simulated in the page with their own keys.
import init, {
  Controller, KeyPair, PublicKey, TrustSet, Wallet, audit, commit, decodeArtifact, isConsentKitError,
} from "/pkg/consentkit.js";

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};

// ---- vocabulary for people ---------------------------------------------------------
const LABELS = {
  "pd:Location": "Location", "pd:Preference": "Listening taste", "pd:Professional": "Professional profile",
  "dpv:ServiceProvision": "Providing the service", "dpv:Personalisation": "Personalised recommendations",
  "https://city.example/purpose#UrbanPlanning": "Urban planning (aggregated)",
};
const label = (t) => LABELS[t] ?? t.split(/[#:/]/).pop().replace(/([a-z])([A-Z])/g, "$1 $2");
const amount = (b) => (["money", "data_dividend"].includes(b.kind) || /^[A-Z]{3}$/.test(b.unit)
  ? `${(b.amount / 100).toFixed(2)} ${b.unit}` : `${b.amount} ${b.unit}`);
const benefit = (b) => `${amount(b)}${b.description ? ` of ${b.description}` : ""}${b.condition ? ` (${b.condition})` : ""}`;
const day = (t) => new Date(t * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";

// ---- storage (IndexedDB) ---------------------------------------------------------------
const DB = "consentkit-example";
function idb(mode, fn) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore("kv");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("kv", mode);
      const req = fn(tx.objectStore("kv"));
      tx.oncomplete = () => resolve(req?.result);
      tx.onerror = () => reject(tx.error);
    };
  });
}
const load = (k) => idb("readonly", (s) => s.get(k));
const save = (k, v) => idb("readwrite", (s) => s.put(v, k));

// ---- the simulated companies --------------------------------------------------------
const COMPANIES = {
  "traffic.example": {
    partner: "city.example",
    offer: (t) => ({
      controller: "traffic.example", name: "Live routing", issuedAt: t, validFrom: t, validUntil: t + 365 * 86400,
      purposes: ["dpv:ServiceProvision", "https://city.example/purpose#UrbanPlanning"], categories: ["pd:Location"],
      recipients: [{ party: "city.example", purposes: ["https://city.example/purpose#UrbanPlanning"], categories: ["pd:Location"] }],
      retentionSecs: 30 * 86400, limits: { usesPerDay: 1000, finestPrecision: 10 },
      legalBasis: "dpv:Consent", jurisdiction: "EU", language: "en",
      notice: { url: "https://traffic.example/notice/v3", text: "We use your location to route you around traffic." },
      valueOffered: [{ kind: "service", amount: 1, unit: "month", condition: "for each month of sharing", description: "live traffic routing" }],
      valueEstimate: { amount: 1200, currency: "EUR", method: "average revenue per active user from location data" },
      serviceWithoutConsent: true,
    }),
    use: { category: "pd:Location", purpose: "dpv:ServiceProvision", data: "52.5200,13.4050", precision: 10 },
    value: { kind: "service", amount: 1, unit: "month", description: "live traffic routing" },
  },
  "music.example": {
    offer: (t) => ({
      controller: "music.example", name: "Taste for points", issuedAt: t, validFrom: t, validUntil: t + 365 * 86400,
      purposes: ["dpv:Personalisation"], categories: ["pd:Preference"], recipients: [],
      retentionSecs: 365 * 86400, legalBasis: "dpv:Consent", jurisdiction: "EU", language: "en",
      notice: { url: "https://music.example/privacy", text: "Your listening taste trains our recommendations." },
      valueOffered: [{ kind: "points", amount: 100, unit: "points", condition: "per month" }],
      serviceWithoutConsent: true,
    }),
    use: { category: "pd:Preference", purpose: "dpv:Personalisation", data: "jazz,afrobeat", precision: null },
    value: { kind: "points", amount: 100, unit: "points" },
  },
};

// offers: each company's signed offer by digest; grants: countersigned grants by id
// (what a company keeps: it countersigns against its offer, issues receipts against the grant).
const state = { wallet: null, pairs: {}, companies: {}, offers: {}, grants: {}, clock: 0 };

/** A monotonic clock in seconds: every step of the story happens after the last. */
function tick(step = 60) {
  state.clock = Math.max(state.clock + step, Math.floor(Date.now() / 1000));
  save("clock", state.clock);
  return state.clock;
}

async function persist() {
  await save("wallet", state.wallet.toBytes());
  await save("offers", state.offers);
  await save("grants", state.grants);
}

function status(msg, error = false) {
  const s = $("#status");
  s.textContent = msg;
  s.classList.toggle("error", error);
}

async function guard(fn) {
  try {
    await fn();
  } catch (e) {
    const msg = isConsentKitError(e) ? `${e.code}: ${e.message}` : String(e);
    status(msg, true);
    console.error(e);
  }
  render();
}

// ---- setup -----------------------------------------------------------------------
async function setup() {
  await init();
  state.clock = (await load("clock")) ?? Math.floor(Date.now() / 1000);
  // Company keys (the companies' own, in a real deployment on their servers).
  const stored = (await load("companies")) ?? {};
  for (const party of [...Object.keys(COMPANIES), "city.example"]) {
    stored[party] ??= KeyPair.generate(party === "city.example" ? "ES256" : "Ed25519").toCoseKey();
    state.companies[party] = new Controller(KeyPair.fromCoseKey(stored[party]));
  }
  await save("companies", stored);
  state.offers = (await load("offers")) ?? {};
  state.grants = (await load("grants")) ?? {};

  // The person's keys: one non-extractable WebCrypto key per company, so that
  // two companies cannot link the person by a key. None leaves WebCrypto.
  state.pairs = (await load("personKeys")) ?? {};
  const bytes = await load("wallet");
  if (bytes) {
    state.wallet = Wallet.fromBytes(bytes);
  } else {
    state.wallet = Wallet.inMemoryExternal();
    for (const [party, issuer] of Object.entries(state.companies)) {
      state.wallet.trustKey(issuer.publicKey(), party === "city.example" ? "partner" : "controller", party);
    }
    const t = tick(0) - 86400;
    for (const [party, c] of Object.entries(COMPANIES)) {
      const offer = state.companies[party].makeOffer(c.offer(t));
      state.offers[decodeArtifact(offer).digest] = offer;
      state.wallet.receive(offer, tick());
    }
    await persist();
  }
  showKeys();
}

/** The person's key at `controller`: made (non-extractable) and bound to the wallet on first use. */
async function keyFor(controller) {
  if (!state.pairs[controller]) {
    state.pairs[controller] = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
    await save("personKeys", state.pairs);
  }
  const pair = state.pairs[controller];
  if (!state.wallet.publicKeyFor(controller)) {
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    state.wallet.bindKey(controller, PublicKey.fromRaw("ES256", raw));
    await persist();
  }
  showKeys();
  return pair;
}

function showKeys() {
  const kids = Object.keys(state.pairs).map((c) => `${c}: ${state.wallet.publicKeyFor(c)?.kid.slice(0, 8) ?? "…"}…`);
  $("#kid").textContent = kids.length ? kids.join(", ") : "one per company, made when you first answer";
}

/** Signs a prepared request with the WebCrypto key of the controller it is for, completes it in the wallet. */
async function signWithWebCrypto(pending, controller) {
  const pair = state.pairs[controller];
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, pending.message);
  return state.wallet.complete(pending, new Uint8Array(sig));
}

// ---- the person's actions ------------------------------------------------------------
async function accept(offer, card) {
  const purposes = [...card.querySelectorAll("input[data-purpose]:checked")].map((i) => i.dataset.purpose);
  const recipients = [...card.querySelectorAll("input[data-recipient]:checked")].map((i) => i.dataset.recipient);
  if (purposes.length === 0) return status("Choose at least one purpose, or refuse the offer.", true);
  const whole = purposes.length === offer.body.purposes.length && recipients.length === offer.body.recipients.length;
  await keyFor(offer.body.controller);
  const grant = await signWithWebCrypto(state.wallet.prepareAccept(offer.digest, whole ? null : { purposes, recipients }, tick()), offer.body.controller);
  // The company countersigns and sends the grant back.
  // It checks the grant against its offer first: nothing beyond the offer is countersigned.
  const countersigned = state.companies[offer.body.controller].countersign(grant, state.offers[offer.digest]);
  state.grants[decodeArtifact(countersigned).id] = countersigned;
  state.wallet.receive(countersigned, tick());
  await persist();
  status(`You accepted ${offer.body.controller}'s offer${whole ? "" : " in part"}. Both sides now hold the signed grant.`);
}

async function refuse(offer) {
  await keyFor(offer.body.controller);
  const refusal = await signWithWebCrypto(state.wallet.prepareRefuse(offer.digest, tick()), offer.body.controller);
  state.wallet.receive(state.companies[offer.body.controller].countersign(refusal, state.offers[offer.digest]), tick());
  await persist();
  status(`You refused ${offer.body.controller}'s offer.`);
}

async function withdraw(grant) {
  await keyFor(grant.controller);
  await signWithWebCrypto(state.wallet.prepareWithdraw(grant.id, tick()), grant.controller);
  await persist();
  status(`You withdrew your grant to ${grant.controller}. Any use from now on will be flagged.`);
}

// ---- the companies' actions (simulated) ---------------------------------------------
function grantOf(party) {
  const grants = state.wallet.grants(state.clock).filter((g) => g.controller === party);
  return grants[grants.length - 1];
}

async function simulateUse(party, count) {
  const g = grantOf(party);
  if (!g) return status(`${party} has no grant from you to refer to.`, true);
  const use = COMPANIES[party].use;
  let flagged = [];
  for (let i = 0; i < count; i++) {
    const input = {
      grant: g.id, category: use.category, purpose: use.purpose, recipient: party, usedAt: tick(),
      quantity: 1, precision: use.precision, commitment: commit(new TextEncoder().encode(use.data)).value,
    };
    // consentkit refuses to sign a receipt its grant does not cover; this simulated
    // company then signs it anyway, saying so, for the wallet to flag.
    let r;
    try {
      r = state.companies[party].issueReceipt(input, state.grants[g.id] ?? new Uint8Array());
    } catch (e) {
      if (!isConsentKitError(e)) throw e;
      r = state.companies[party].issueReceiptKnownViolation(input, `simulated misuse: ${e.message}`);
    }
    flagged = flagged.concat(state.wallet.receive(r, tick(1)).violations);
  }
  await persist();
  status(flagged.length ? `${party} sent ${count} data receipt(s); ${flagged.length} flagged on this device.`
    : `${party} sent ${count} data receipt(s), all covered by your grant.`, flagged.length > 0);
}

async function simulateValue(party) {
  const g = grantOf(party);
  if (!g) return status(`${party} has no grant from you.`, true);
  state.wallet.receive(state.companies[party].issueValueRecord({ grant: g.id, issuedAt: tick(), benefit: COMPANIES[party].value }), tick(1));
  await persist();
  status(`${party} recorded the value you received.`);
}

// ---- rendering ----------------------------------------------------------------------
function render() {
  if (!state.wallet) return;
  const now = state.clock;
  const summary = state.wallet.summary(now);
  const artifacts = state.wallet.artifacts();
  const answers = new Map();
  for (const a of artifacts) {
    if (a.kind === "grant" || a.kind === "refusal") answers.set(a.body.offer, a);
  }
  const grantState = new Map(summary.grants.map((g) => [g.id, g]));

  // Offers.
  const offers = $("#offers");
  offers.replaceChildren();
  for (const o of state.wallet.offers()) {
    const b = o.body;
    const answer = answers.get(o.digest);
    const g = answer && answer.kind === "grant" ? grantState.get(answer.id) : null;
    const badge = answer ? el("span", { class: `badge ${g ? g.state : "refused"}` }, g ? g.state : "refused") : el("span", { class: "badge pending" }, "open");
    const card = el("div", { class: "card", "data-offer": b.controller },
      el("h3", {}, el("span", {}, b.name, " ", el("span", { class: "company" }, b.controller)), badge),
      el("div", { class: "cols" },
        el("div", {}, el("div", { class: "label" }, "They ask"),
          el("ul", { class: "give" },
            b.categories.map((c) => el("li", {}, el("strong", {}, label(c)), " for ", b.purposes.map(label).join(", "))),
            b.recipients.map((r) => el("li", {}, "shared with ", el("strong", {}, r.party), " for ", r.purposes.map(label).join(", "))))),
        el("div", {}, el("div", { class: "label" }, "You get"),
          el("ul", { class: "get" }, b.valueOffered.map((v) => el("li", {}, benefit(v)))))),
      el("div", { class: "meta" }, `Kept ${Math.round(b.retentionSecs / 86400)} days · ${b.serviceWithoutConsent ? "the service works without consent" : "consent required for the service"}`
        + (b.valueEstimate ? ` · your data is worth about ${amount({ kind: "money", amount: b.valueEstimate.amount, unit: b.valueEstimate.currency })} a year to them` : "")),
    );
    if (!answer) {
      card.append(
        el("div", { class: "choices" },
          b.purposes.map((p) => el("label", {}, el("input", { type: "checkbox", checked: true, "data-purpose": p }), " ", label(p))),
          b.recipients.map((r) => el("label", {}, el("input", { type: "checkbox", checked: true, "data-recipient": r.party }), " share with ", r.party))),
        el("div", { class: "actions" },
          el("button", { class: "primary", "data-action": "accept", onclick: () => guard(() => accept(o, card)) }, "Accept"),
          el("button", { class: "secondary", "data-action": "refuse", onclick: () => guard(() => refuse(o)) }, "Refuse")));
    }
    offers.append(card);
  }

  // Grants.
  const grantsBody = $("#grants tbody");
  grantsBody.replaceChildren();
  for (const g of summary.grants) {
    grantsBody.append(el("tr", { "data-grant": g.controller },
      el("td", {}, g.controller),
      el("td", {}, g.purposes.map(label).join(", ")),
      el("td", {}, g.categories.map(label).join(", ")),
      el("td", {}, g.recipients.length ? g.recipients.join(", ") : "—"),
      el("td", {}, day(g.issuedAt)),
      el("td", {}, el("span", { class: `badge ${g.state}` }, g.state), g.countersigned ? "" : el("span", { class: "badge pending" }, "awaiting countersignature")),
      el("td", {}, g.state === "given"
        ? el("button", { class: "danger", "data-action": "withdraw", onclick: () => guard(() => withdraw(g)) }, "Withdraw") : "")));
  }
  if (!summary.grants.length) grantsBody.append(el("tr", {}, el("td", { class: "empty", colspan: 7 }, "No grants yet.")));

  // Ledger and value received.
  const ledger = $("#ledger tbody");
  ledger.replaceChildren();
  for (const s of summary.shared) {
    ledger.append(el("tr", {}, el("td", {}, s.recipient, s.recipient !== s.controller ? ` (via ${s.controller})` : ""),
      el("td", {}, label(s.category)), el("td", {}, label(s.purpose)), el("td", { class: "num" }, s.uses), el("td", {}, day(s.last))));
  }
  if (!summary.shared.length) ledger.append(el("tr", {}, el("td", { class: "empty", colspan: 5 }, "Nothing shared yet.")));
  const received = $("#received tbody");
  received.replaceChildren();
  for (const [party, units] of Object.entries(summary.received)) {
    for (const [unit, n] of Object.entries(units)) {
      received.append(el("tr", {}, el("td", {}, party), el("td", { class: "num" }, amount({ kind: "", amount: n, unit }))));
    }
  }
  if (!received.children.length) received.append(el("tr", {}, el("td", { class: "empty", colspan: 2 }, "Nothing received yet.")));

  // Violations.
  const list = $("#violation-list");
  list.replaceChildren(...summary.violations.map((f) => el("li", { "data-kind": f.kind },
    el("span", { class: "kind" }, f.kind.replace(/_/g, " ")), " — ", f.controller ?? "", ": ", f.message)));
  $("#violations").hidden = summary.violations.length === 0;

  // The simulated companies.
  const sim = $("#sim");
  sim.replaceChildren();
  for (const party of Object.keys(COMPANIES)) {
    sim.append(el("div", { class: "row" }, el("span", { class: "who" }, party),
      el("button", { class: "small", "data-sim": "use", "data-party": party, onclick: () => guard(() => simulateUse(party, 3)) }, "uses my data (3 receipts)"),
      el("button", { class: "small", "data-sim": "value", "data-party": party, onclick: () => guard(() => simulateValue(party)) }, "delivers value")));
  }
}

// ---- the audit tab -----------------------------------------------------------------------
async function readFile(input) {
  const f = input.files?.[0];
  if (!f) throw new Error(`choose a file for ${input.id.replace("-file", "")}`);
  return new Uint8Array(await f.arrayBuffer());
}

function parseAt(text) {
  const t = text.trim();
  if (!t || t === "now") return undefined;
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`audit time: ${t} is neither seconds nor an RFC 3339 time`);
  return Math.floor(ms / 1000);
}

async function runAudit(ev) {
  ev.preventDefault();
  const out = $("#audit-result");
  try {
    const bundle = await readFile($("#bundle-file"));
    const trust = TrustSet.fromCoseKeySet(await readFile($("#trust-file")));
    const result = audit(bundle, trust, parseAt($("#audit-at").value));
    const r = result.report;
    const total = Object.values(r.findingCounts).reduce((a, b) => a + b, 0);
    const verdict = $("#verdict");
    verdict.className = `verdict ${total ? "bad" : "ok"}`;
    verdict.textContent = total
      ? `${total} finding(s) need attention (audited at ${day(r.at)}).`
      : `No findings: every artifact verifies and every data use was covered by a grant (audited at ${day(r.at)}).`;
    const stats = [["items", r.items], ...Object.entries(r.counts).map(([k, n]) => [k.replace(/_/g, " ") + "s", n]), ["findings", total]];
    $("#audit-stats").replaceChildren(...stats.map(([l, n]) => el("div", { class: "stat" }, el("div", { class: "n" }, n.toLocaleString("en")), el("div", { class: "l" }, l))));
    const fb = $("#findings tbody");
    fb.replaceChildren(...r.findings.map((f) => el("tr", { "data-kind": f.kind, "data-artifact": f.artifact ?? "" },
      el("td", {}, el("span", { class: "kindtag" }, f.kind)),
      el("td", { class: "mono" }, f.artifactKind ? `${f.artifactKind} ${(f.artifact ?? "").slice(0, 8)}` : "—"),
      el("td", {}, f.controller ?? "—"), el("td", { class: "msg" }, f.message))));
    if (!r.findings.length) fb.append(el("tr", {}, el("td", { class: "empty", colspan: 4 }, "No findings.")));
    const cb = $("#controllers tbody");
    cb.replaceChildren(...Object.entries(r.controllers).map(([p, c]) => el("tr", {}, el("td", {}, p),
      ...[c.offers, c.grants, c.refusals, c.withdrawals, c.receipts, c.findings].map((n) => el("td", { class: "num" }, n.toLocaleString("en"))))));
    $("#report-frame").srcdoc = result.renderHtml();
    out.hidden = false;
    document.body.dataset.audited = String(total);
  } catch (e) {
    out.hidden = false;
    const verdict = $("#verdict");
    verdict.className = "verdict bad";
    verdict.textContent = isConsentKitError(e) ? `${e.code}: ${e.message}` : String(e.message ?? e);
  }
}

// ---- tabs and start ----------------------------------------------------------------------
for (const tab of document.querySelectorAll("nav [role=tab]")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll("nav [role=tab]")) {
      t.setAttribute("aria-selected", String(t === tab));
      $(`#${t.dataset.panel}`).hidden = t !== tab;
    }
  });
}
$("#audit-form").addEventListener("submit", runAudit);

setup().then(() => {
  render();
  document.body.dataset.ready = "1";
}, (e) => {
  status(isConsentKitError(e) ? `${e.code}: ${e.message}` : String(e), true);
  console.error(e);
});
