#!/usr/bin/env python3
"""One name per concept: checks ARCHITECTURE.md's table against every API.

    tests/names/check_names.py [--cli PATH] [--table FILE]

Reads the table under "## One name per concept" in ARCHITECTURE.md and checks
each row:

- conventions: Kotlin/Swift, Python and JavaScript name the same type the
  same way; a function is `lowerCamel` in Kotlin, Swift and JavaScript and the
  `snake_case` of the same words in Python; a Rust type is the skins' name or
  `module::Name` with the skins' name `ModuleName`;
- presence: the Rust name is a public item of the core (core/src), the
  Python name is in the generated module (target/bindings/python), the Kotlin
  name in the generated Kotlin (target/bindings/kotlin), the Swift name in the
  generated Swift (bindings/swift/Sources), the JavaScript name in the npm
  package's declarations (wasm/pkg/web/consentkit.d.ts), and the command
  line's words are a command the `consentkit` binary knows (`--help` exits 0)
  or an option its help shows.

It also reads the table under "### The algorithm's values" (one row per value
of `Algorithm`) and checks that each generated API has exactly those values,
spelled by its convention from the Rust variant: Kotlin and Python
`SHOUTY_SNAKE`, Swift `.lowerCamel`, JavaScript and JSON the Rust name as a
string, the command line's `--alg` the lowercase name.

And it reads the table under "### The records' fields" (one row per record
that every language shows, with its Rust field names) and checks that the
generated Python, Kotlin and Swift records and the npm package's TypeScript
type have exactly those fields, in that order, each named by its language's
convention (Python the Rust name, Kotlin, Swift and JavaScript its
lowerCamel form).

Exits 0 when every row holds, 1 with one line per broken cell otherwise, 2
when an API to check against is missing (build the bindings and the npm
package first: scripts/test-bindings and scripts/test-wasm do).
`--self-test` checks that a wrong name in the table makes the check fail.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def die(msg, code=2):
    print(f"check_names: {msg}", file=sys.stderr)
    sys.exit(code)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def table_rows(text):
    m = re.search(r"^## One name per concept\n(.*?)(?=^##|\Z)", text, re.S | re.M)
    if not m:
        die("ARCHITECTURE.md has no '## One name per concept' section")
    rows = []
    for line in m.group(1).splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| concept"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6:
            die(f"row does not have 6 cells: {line}")
        rows.append([c.strip("`") for c in cells])
    if not rows:
        die("the name table is empty")
    return rows


def snake_to_camel(s):
    head, *rest = s.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def camel_join(module, name):
    if module == "consentkit":
        return "ConsentKit" + name
    return "".join(w[:1].upper() + w[1:] for w in module.split("_")) + name


class Apis:
    def __init__(self, cli):
        self.cli = cli
        self.rust = "\n".join(read(p) for p in glob.glob(f"{ROOT}/core/src/**/*.rs", recursive=True))
        # The generated modules: the bindings' (consentkit.py) and the core's
        # own types (consentkit_core.py, uniffi derives under core's feature `uniffi`).
        py = sorted(glob.glob(f"{ROOT}/target/bindings/python/consentkit*.py"))
        kt = glob.glob(f"{ROOT}/target/bindings/kotlin/**/*.kt", recursive=True)
        sw = glob.glob(f"{ROOT}/bindings/swift/Sources/**/*.swift", recursive=True)
        ts = f"{ROOT}/wasm/pkg/web/consentkit.d.ts"
        for what, found in (("the Python module", py), ("the Kotlin sources", kt),
                            ("the Swift sources", sw), ("the npm package's .d.ts", glob.glob(ts))):
            if not found:
                die(f"{what} not found (build the bindings and the npm package first)")
        self.py = "\n".join(read(p) for p in py)
        self.kt = "\n".join(read(p) for p in kt)
        self.swift = "\n".join(read(p) for p in sw)
        self.ts = read(ts)
        self.help_cache = {}

    # -- presence ----------------------------------------------------------
    def rust_has(self, name):
        if "::" in name:
            owner, item = name.rsplit("::", 1)
            owner = owner.split("::")[-1]
        else:
            owner, item = None, name
        if item[:1].isupper():
            return re.search(rf"pub (struct|enum|trait|type) {item}\b", self.rust) is not None
        if owner and owner[:1].isupper():
            # a method of that type: `pub fn item` inside some `impl ... Owner`
            for m in re.finditer(rf"^impl(<[^>]*>)? (\w+ for )?{owner}\b.*?^}}", self.rust, re.S | re.M):
                if re.search(rf"\bpub fn {item}\b", m.group(0)):
                    return True
            return False
        return re.search(rf"\bpub fn {item}\b", self.rust) is not None

    @staticmethod
    def _class_body(src, cls, opener):
        m = re.search(opener.format(cls=re.escape(cls)), src, re.M)
        return None if not m else src[m.end():]

    def py_has(self, name):
        if "." in name:
            cls, fn = name.split(".")
            body = self._class_body(self.py, cls, r"^class {cls}\b.*:\n")
            if body is None:
                return False
            body = re.split(r"^(class|def|async def) ", body, maxsplit=1, flags=re.M)[0]
            return re.search(rf"^    (async )?def {fn}\(", body, re.M) is not None
        if name[:1].isupper():
            return re.search(rf"^class {name}\b", self.py, re.M) is not None
        return re.search(rf"^(async )?def {name}\(", self.py, re.M) is not None

    def kt_has(self, name):
        if name.endswith("Error") and "." not in name:
            name = name[: -len("Error")] + "Exception"  # uniffi's Kotlin convention
        if "." in name:
            cls, fn = name.split(".")
            body = self._class_body(self.kt, cls, r"^(open |data |enum |sealed )?(class|interface) {cls}\b")
            if body is None:
                return False
            body = re.split(r"^(open |data |enum |sealed )?(class|interface) \w", body, maxsplit=1, flags=re.M)[0]
            return re.search(rf"\bfun `?{fn}`?\(", body) is not None
        if name[:1].isupper():
            return re.search(rf"^(public )?(open |data |enum |sealed )?(class|interface|typealias) {name}\b", self.kt, re.M) is not None
        return re.search(rf"\bfun `?{name}`?\(", self.kt) is not None

    def swift_has(self, name):
        if "." in name:
            cls, fn = name.split(".")
            body = self._class_body(self.swift, cls, r"^(open |public |final )*(class|struct|protocol|enum) {cls}\b")
            if body is None:
                return False
            body = re.split(r"^(open |public |final )*(class|struct|protocol|enum|extension) \w", body, maxsplit=1, flags=re.M)[0]
            return re.search(rf"\b(func|init|convenience init) `?{fn}`?\(", body) is not None or (
                re.search(rf"static func {fn}\(", body) is not None)
        if name[:1].isupper():
            return re.search(rf"^(open |public |final )*(class|struct|protocol|enum|typealias) {name}\b", self.swift, re.M) is not None
        return re.search(rf"^(public )?func {name}\(", self.swift, re.M) is not None

    def ts_has(self, name):
        if "." in name:
            cls, fn = name.split(".")
            body = self._class_body(self.ts, cls, r"^export class {cls}\b")
            if body is None:
                return False
            body = body.split("\n}\n", 1)[0]
            # A method, or a getter (wasm-bindgen declares it a property).
            return re.search(rf"^\s+(static )?{fn}\(", body, re.M) is not None or (
                re.search(rf"^\s+((readonly )?{fn}: |get {fn}\()", body, re.M) is not None)
        if name[:1].isupper():
            return re.search(rf"^export (class|interface|type|enum) {name}\b", self.ts, re.M) is not None
        return re.search(rf"^export function {name}\(", self.ts, re.M) is not None

    def cli_has(self, words):
        parts = words.split()
        if parts and parts[0].startswith("--"):
            return any(parts[0] in h for h in self._all_help())
        if parts[:1] != ["consentkit"]:
            return False
        out = self._help(tuple(parts[1:]))
        return out is not None

    def _help(self, args):
        if args not in self.help_cache:
            r = subprocess.run([self.cli, *args, "--help"], capture_output=True, text=True)
            self.help_cache[args] = r.stdout if r.returncode == 0 else None
        return self.help_cache[args]

    def _all_help(self):
        top = self._help(()) or ""
        cmds = re.findall(r"^  (\w[\w-]*)  ", top.split("Commands:", 1)[-1].split("Options:", 1)[0], re.M)
        out = [top]
        for c in cmds:
            h = self._help((c,)) or ""
            out.append(h)
            subs = re.findall(r"^  (\w[\w-]*)  ", h.split("Commands:", 1)[-1].split("Options:", 1)[0], re.M) if "Commands:" in h else []
            out.extend(self._help((c, s)) or "" for s in subs)
        return out


def check(rows, apis):
    errors = []
    for concept, rust, kt, py, js, cli in rows:
        where = f"'{concept}'"
        # conventions
        if kt != "—" and py != "—" and js != "—":
            if "." in py or py[:1].islower():
                cls, _, fn = py.rpartition(".")
                want = (cls + "." if cls else "") + snake_to_camel(fn)
                for lang, got in (("Kotlin, Swift", kt), ("JavaScript", js)):
                    if got != want:
                        errors.append(f"{where}: {lang} says {got}, the convention from Python's {py} is {want}")
            else:
                if not (kt == py == js):
                    errors.append(f"{where}: the type has different names: Kotlin/Swift {kt}, Python {py}, JavaScript {js}")
        skin_type = next((n for n in (kt, py, js) if n != "—" and n[:1].isupper() and "." not in n), None)
        if rust != "—" and rust[:1].isupper() and "::" not in rust and skin_type and rust != skin_type:
            errors.append(f"{where}: Rust calls the type {rust}, the skins {skin_type}")
        if rust != "—" and "::" in rust and skin_type:
            module, item = rust.rsplit("::", 1)
            if item[:1].isupper() and module[:1].islower() and camel_join(module, item) != skin_type and item != skin_type:
                errors.append(f"{where}: Rust {rust} should be {skin_type} (or module::Name with {skin_type} == ModuleName)")
        # presence
        checks = [
            ("Rust (core/src)", rust, apis.rust_has),
            ("Python", py, apis.py_has),
            ("Kotlin", kt, apis.kt_has),
            ("Swift", kt, apis.swift_has),
            ("JavaScript (.d.ts)", js, apis.ts_has),
            ("CLI", cli, apis.cli_has),
        ]
        for lang, name, has in checks:
            if name == "—":
                continue
            if not has(name):
                errors.append(f"{where}: {name} is not in the {lang} API")
    return errors


VALUES_HEADING = "### The algorithm's values"


def value_rows(text):
    m = re.search(r"^" + re.escape(VALUES_HEADING) + r"\n(.*?)(?=^##|\Z)", text, re.S | re.M)
    if not m:
        die(f"ARCHITECTURE.md has no '{VALUES_HEADING}' table")
    rows = []
    for line in m.group(1).splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| value"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6:
            die(f"value row does not have 6 cells: {line}")
        rows.append([c.strip("`") for c in cells])
    if not rows:
        die("the algorithm's value table is empty")
    return rows


def shouty(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def lower_camel(name):
    words = shouty(name).split("_")
    return words[0].lower() + "".join(w[:1] + w[1:].lower() for w in words[1:])


def _body(src, opener, closer):
    m = re.search(opener, src, re.M)
    if not m:
        return None
    rest = src[m.end():]
    end = re.search(closer, rest, re.M)
    return rest[: end.start()] if end else rest


def enum_values(apis, enum):
    """The values of `enum` in each API, by the API's own spelling."""
    out = {}
    body = _body(apis.rust, rf"^pub enum {enum} \{{\n", r"^\}")
    out["Rust"] = None if body is None else re.findall(r"^    ([A-Z]\w*),?$", body, re.M)
    body = _body(apis.kt, rf"^enum class {enum}\b.*\{{\n", r"^\}")
    out["Kotlin"] = None if body is None else re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s*[,;]?\s*$", body, re.M)
    body = _body(apis.py, rf"^class {enum}\(enum\.Enum\):\n", r"^(class|def) ")
    out["Python"] = None if body is None else re.findall(r"^    ([A-Z][A-Z0-9_]*) = ", body, re.M)
    body = _body(apis.swift, rf"^public enum {enum}\b.*\{{\n", r"^\}")
    out["Swift"] = None if body is None else re.findall(r"^\s*case (\w+)\s*$", body, re.M)
    m = re.search(rf"^export type {enum} = (.*);$", apis.ts, re.M)
    out["JavaScript"] = None if m is None else re.findall(r'"([^"]*)"', m.group(1))
    h = apis._help(("keygen",)) or ""
    # clap lists the values as "[possible values: a, b]" or, when they are
    # documented, one "- a: doc" line each under "Possible values:".
    m = re.search(r"--alg <ALG>(.*?)(?=^\s*-[-\w]|\Z)", h, re.S | re.M)
    opt = m.group(1) if m else ""
    listed = re.search(r"\[possible values: ([^\]]*)\]", opt)
    if listed:
        out["CLI"] = [v.strip() for v in listed.group(1).split(",")]
    else:
        out["CLI"] = re.findall(r"^\s*- ([\w-]+)(?::|$)", opt, re.M) or None
    return out


def check_values(values, apis, enum="Algorithm"):
    errors = []
    found = enum_values(apis, enum)
    want = {"Rust": [], "Kotlin": [], "Python": [], "Swift": [], "JavaScript": [], "CLI": []}
    for value, rust, kt_py, swift, js, cli in values:
        where = f"'{enum}' value '{value}'"
        variant = rust.rsplit("::", 1)[-1]
        if rust != f"{enum}::{variant}":
            errors.append(f"{where}: Rust {rust} is not {enum}::Variant")
        conventions = (
            ("Kotlin, Python", kt_py, f"{enum}.{shouty(variant)}"),
            ("Swift", swift, f".{lower_camel(variant)}"),
            ("JavaScript", js, f'"{variant}"'),
            ("CLI", cli, variant.lower()),
        )
        for lang, got, exp in conventions:
            if got != exp:
                errors.append(f"{where}: {lang} says {got}, the convention from Rust's {rust} is {exp}")
        want["Rust"].append(variant)
        want["Kotlin"].append(kt_py.rsplit(".", 1)[-1])
        want["Python"].append(kt_py.rsplit(".", 1)[-1])
        want["Swift"].append(swift.lstrip("."))
        want["JavaScript"].append(js.strip('"'))
        want["CLI"].append(cli)
    for lang, names in want.items():
        got = found[lang]
        if got is None:
            errors.append(f"'{enum}': not found in the {lang} API")
        elif sorted(got) != sorted(names):
            errors.append(f"'{enum}': the {lang} API has {sorted(got)}, the table {sorted(names)}")
    return errors


FIELDS_HEADING = "### The records' fields"


def field_rows(text):
    m = re.search(r"^" + re.escape(FIELDS_HEADING) + r"\n(.*?)(?=^##|\Z)", text, re.S | re.M)
    if not m:
        die(f"ARCHITECTURE.md has no '{FIELDS_HEADING}' table")
    rows = []
    for line in m.group(1).splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| record"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2:
            die(f"record row does not have 2 cells: {line}")
        fields = [f.strip().strip("`") for f in cells[1].split(",") if f.strip()]
        rows.append((cells[0].strip("`"), fields))
    if not rows:
        die("the records' field table is empty")
    return rows


def _top_level_fields(body):
    """The field names of a TypeScript object type (`{ ... }`), at its top level."""
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    body = re.sub(r'"(?:[^"\\]|\\.)*"', '""', body)
    names, depth, segment = [], 0, ""
    for ch in body:
        if ch in "{[(<":
            depth += 1
            if depth == 1:
                segment = ""
                continue
        elif ch in "}])>":
            depth -= 1
        if depth != 1:
            if depth > 1:
                segment += ch
            continue
        if ch in ",;":
            segment = ""
        elif ch == ":" and re.fullmatch(r"\s*\w+\??\s*", segment):
            names.append(segment.strip().rstrip("?"))
            segment += ch
        else:
            segment += ch
    return names


def record_fields(apis, record):
    """The fields of `record` in each generated API, by the API's own spelling."""
    out = {}
    m = re.search(rf"^class {record}:\n(.*?)^    def __init__\(self, \*, (.*?)\):$", apis.py, re.S | re.M)
    out["Python"] = None if m is None else re.findall(r"(?:^|, )(\w+): ?(?=[\w.\[\"'])", m.group(2))
    body = _body(apis.kt, rf"^data class {record} ?\(\n", r"^\)")
    out["Kotlin"] = None if body is None else [n for n in re.findall(r"^\s*(?:val|var) `?(\w+)`?:", body, re.M)]
    body = _body(apis.swift, rf"^public struct {record}\b.*\{{\n", r"^\s*public init\(")
    out["Swift"] = None if body is None else re.findall(r"^    public (?:let|var) `?(\w+)`?:", body, re.M)
    m = re.search(rf"^(?:  )?export type {record} = (\{{.*)", apis.ts, re.S | re.M)
    if m is None:
        out["JavaScript"] = None
    else:
        # The type's own braces: from the first `{` to its match.
        text, depth = m.group(1), 0
        for i, ch in enumerate(text):
            depth += ch == "{"
            depth -= ch == "}"
            if depth == 0:
                text = text[: i + 1]
                break
        out["JavaScript"] = _top_level_fields(text)
    return out


def check_fields(rows, apis):
    errors = []
    for record, fields in rows:
        found = record_fields(apis, record)
        camel = [snake_to_camel(f) for f in fields]
        for lang, want in (("Python", fields), ("Kotlin", camel), ("Swift", camel), ("JavaScript", camel)):
            got = found[lang]
            if got is None:
                errors.append(f"record '{record}': not found in the {lang} API")
            elif got != want:
                errors.append(f"record '{record}': the {lang} API has fields {got}, the table {want}")
    return errors


def main():
    args = sys.argv[1:]
    cli = os.environ.get("CONSENTKIT_CLI", f"{ROOT}/target/debug/consentkit")
    table = f"{ROOT}/ARCHITECTURE.md"
    self_test = False
    while args:
        a = args.pop(0)
        if a == "--cli":
            cli = args.pop(0)
        elif a == "--table":
            table = args.pop(0)
        elif a == "--self-test":
            self_test = True
        else:
            die(f"unknown argument {a}")
    if not os.access(cli, os.X_OK):
        die(f"the consentkit binary {cli} is not there (cargo build -p consentkit-cli)")
    text = read(table)
    rows = table_rows(text)
    values = value_rows(text)
    records = field_rows(text)
    apis = Apis(cli)
    errors = check(rows, apis) + check_values(values, apis) + check_fields(records, apis)
    if self_test:
        if errors:
            die("the table does not hold, so the self-test cannot run:\n" + "\n".join(errors), 1)
        # Each kind of mistake must be caught.
        mutations = {
            "a JS name that breaks the convention": lambda r: r[:4] + ["Wallet.grant_state"] + r[5:] if r[3] == "Wallet.grant_state" else r,
            "a name missing from every API": lambda r: [r[0], r[1], "Wallet.needsDecisionX", "Wallet.needs_decision_x", "Wallet.needsDecisionX", r[5]] if r[3] == "Wallet.withdraw" else r,
            "a type named differently in one skin": lambda r: r[:4] + ["Issuer"] + r[5:] if r[3] == "Controller" else r,
            "a CLI command that does not exist": lambda r: r[:5] + ["consentkit wallet nosuch"] if r[5] == "consentkit wallet summary" else r,
        }
        for what, mutate in mutations.items():
            broken = [mutate(list(r)) for r in rows]
            if broken == rows:
                die(f"self-test: no row to mutate for {what}", 1)
            if not check(broken, apis):
                die(f"self-test: {what} was not caught", 1)
        # A wrong value of the algorithm, in the table or in one generated
        # API, must be caught too.
        value_mutations = {
            "the former JS name \"EdDSA\" in the value table": lambda r: r[:4] + ['"EdDSA"'] + r[5:] if r[4] == '"Ed25519"' else r,
            "a Kotlin/Python value that breaks the convention": lambda r: r[:2] + ["Algorithm.ED_25519"] + r[3:] if r[2] == "Algorithm.ED25519" else r,
            "a value missing from every API": lambda r: [r[0], "Algorithm::Ed448", "Algorithm.ED448", ".ed448", '"Ed448"', "ed448"] if r[1] == "Algorithm::Ed25519" else r,
        }
        for what, mutate in value_mutations.items():
            broken = [mutate(list(r)) for r in values]
            if broken == values:
                die(f"self-test: no value row to mutate for {what}", 1)
            if not check_values(broken, apis):
                die(f"self-test: {what} was not caught", 1)
        # The generated TypeScript still saying "EdDSA" is caught.
        real_ts = apis.ts
        apis.ts = re.sub(r'"Ed25519"', '"EdDSA"', real_ts)
        if apis.ts == real_ts or not check_values(values, apis):
            die("self-test: a generated .d.ts with \"EdDSA\" was not caught", 1)
        apis.ts = real_ts
        # A record's field named differently in the table, or in one
        # generated API (the JavaScript summary's former `log`), is caught.
        broken = [(r, [f + "_x" if i == 0 else f for i, f in enumerate(fs)]) for r, fs in records]
        if not check_fields(broken, apis):
            die("self-test: a field missing from every API was not caught", 1)
        apis.ts = re.sub(r"^(\s*)logs: Array<LogCheck>", r"\1log: Array<LogCheck>", real_ts, flags=re.M)
        if apis.ts == real_ts or not check_fields(records, apis):
            die("self-test: a generated .d.ts whose WalletSummary says `log` was not caught", 1)
        apis.ts = real_ts
        real_kt = apis.kt
        apis.kt = re.sub(r"\b(val|var) `?leafIndex`?:", r"\1 index:", real_kt)
        if apis.kt == real_kt or not check_fields(records, apis):
            die("self-test: a Kotlin ReceiptCheck whose leafIndex is `index` was not caught", 1)
        apis.kt = real_kt
        n = len(mutations) + len(value_mutations) + 4
        print(f"check_names: self-test ok ({n} kinds of mistake caught)")
        return
    if errors:
        print("\n".join(errors))
        print(f"check_names: {len(errors)} broken name(s) in {len(rows)} rows", file=sys.stderr)
        sys.exit(1)
    print(f"check_names: {len(rows)} concepts, one name each in Rust, Kotlin, Swift, Python, JavaScript and the CLI; "
          f"{len(values)} values of Algorithm, the same in each; "
          f"{len(records)} records with the same fields in Python, Kotlin, Swift and JavaScript")


if __name__ == "__main__":
    main()
