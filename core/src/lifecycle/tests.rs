use super::*;
use crate::sample::{self, Parties, PARTNER, T0};

fn record() -> GrantRecord {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let mut r = GrantRecord::new(
        grant.id(),
        crate::Grant::from_artifact(&grant).unwrap().clone(),
    );
    r.offer = Some(crate::Offer::from_artifact(&offer).unwrap().clone());
    r
}

fn use_at(at: Timestamp) -> DataUse {
    DataUse {
        category: Term::new("pd:Location").unwrap(),
        purpose: Term::new("dpv:ServiceProvision").unwrap(),
        recipient: sample::CONTROLLER.into(),
        signer: sample::CONTROLLER.into(),
        at,
        precision: Some(10),
    }
}

#[test]
fn states_follow_the_artifacts() {
    let mut r = record();
    let given = r.grant.issued_at;
    let expires = r.grant.expires_at.unwrap();
    assert_eq!(r.state_at(given - 1), ConsentState::Requested);
    assert_eq!(r.state_at(given), ConsentState::Given);
    assert_eq!(r.state_at(expires - 1), ConsentState::Given);
    assert_eq!(r.state_at(expires), ConsentState::Expired);
    r.add_superseded(given + 100, ArtifactId([1; 16]));
    assert_eq!(r.state_at(given + 100), ConsentState::Superseded);
    r.add_withdrawal(given + 50, WithdrawnBy::Person, ArtifactId([2; 16]));
    assert_eq!(r.state_at(given + 49), ConsentState::Given);
    assert_eq!(r.state_at(given + 50), ConsentState::Withdrawn);
    // A later revocation does not move the earliest end.
    r.add_withdrawal(given + 60, WithdrawnBy::Controller, ArtifactId([3; 16]));
    assert_eq!(r.ended.unwrap().0, given + 50);
    let mut r2 = record();
    r2.add_withdrawal(given + 10, WithdrawnBy::Controller, ArtifactId([3; 16]));
    assert_eq!(r2.state_at(given + 10), ConsentState::Revoked);
}

#[test]
fn permits_gives_the_reason() {
    let mut r = record();
    let given = r.grant.issued_at;
    assert_eq!(r.permits(&use_at(given)), Ok(()));
    assert!(matches!(
        r.permits(&use_at(given - 1)),
        Err(Denial::BeforeGrant { .. })
    ));
    let mut u = use_at(given + 1);
    u.purpose = Term::new("dpv:Marketing").unwrap();
    assert!(matches!(
        r.permits(&u),
        Err(Denial::PurposeNotGranted { .. })
    ));
    let mut u = use_at(given + 1);
    u.category = Term::new("pd:Health").unwrap();
    assert!(matches!(
        r.permits(&u),
        Err(Denial::CategoryNotGranted { .. })
    ));
    let mut u = use_at(given + 1);
    u.recipient = "broker.example".into();
    assert_eq!(
        r.permits(&u),
        Err(Denial::RecipientNotGranted {
            party: "broker.example".into()
        })
    );
    // The partner may receive location for urban planning, not for service provision.
    let mut u = use_at(given + 1);
    u.recipient = PARTNER.into();
    assert!(matches!(
        r.permits(&u),
        Err(Denial::PurposeNotGranted {
            recipient: Some(_),
            ..
        })
    ));
    u.purpose = Term::new("https://city.example/purpose#UrbanPlanning").unwrap();
    assert_eq!(r.permits(&u), Ok(()));
    let mut u = use_at(given + 1);
    u.precision = Some(1);
    assert_eq!(
        r.permits(&u),
        Err(Denial::PrecisionExceeded {
            precision: 1,
            finest: 10
        })
    );
    r.add_withdrawal(given + 5, WithdrawnBy::Person, ArtifactId([2; 16]));
    assert!(matches!(
        r.permits(&use_at(given + 5)),
        Err(Denial::AfterWithdrawal { .. })
    ));
    assert_eq!(r.permits(&use_at(given + 4)), Ok(()));
    let expires = r.grant.expires_at.unwrap();
    let r = record();
    assert!(matches!(
        r.permits(&use_at(expires)),
        Err(Denial::AfterExpiry { .. })
    ));
    let _ = T0;
}

#[test]
fn grant_exceeding_offer_is_described() {
    let p = Parties::new().unwrap();
    let offer_a = sample::signed_offer(&p).unwrap();
    let offer = crate::Offer::from_artifact(&offer_a).unwrap();
    let mut g = sample::grant_body(&p, &offer_a);
    assert!(grant_exceeds_offer(&g, offer, &offer_a.digest(), &g.offer).is_empty());
    g.purposes.push(Term::new("dpv:Marketing").unwrap());
    g.recipients.push("broker.example".into());
    let problems = grant_exceeds_offer(&g, offer, &offer_a.digest(), &g.offer);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

/// A refusal issued after the grant ends it at the refusal's time, like a
/// withdrawal; the earlier of a withdrawal and a refusal decides.
#[test]
fn a_refusal_ends_the_grant_like_a_withdrawal() {
    let mut r = record();
    let given = r.grant.issued_at;
    r.add_refusal(given + 100, ArtifactId([4; 16]));
    r.add_refusal(given + 200, ArtifactId([5; 16]));
    assert_eq!(r.refused, Some((given + 100, ArtifactId([4; 16]))));
    assert_eq!(r.state_at(given + 99), ConsentState::Given);
    assert_eq!(r.state_at(given + 100), ConsentState::Withdrawn);
    assert_eq!(r.permits(&use_at(given + 99)), Ok(()));
    let d = r.permits(&use_at(given + 100)).unwrap_err();
    assert_eq!(
        d,
        Denial::AfterRefusal {
            at: given + 100,
            refused: given + 100,
            by_artifact: ArtifactId([4; 16])
        }
    );
    assert!(d
        .to_string()
        .contains("at or after the person refused the offer at"));
    // An earlier revocation decides over the later refusal.
    r.add_withdrawal(given + 50, WithdrawnBy::Controller, ArtifactId([6; 16]));
    assert_eq!(r.state_at(given + 150), ConsentState::Revoked);
    assert!(matches!(
        r.permits(&use_at(given + 150)),
        Err(Denial::AfterWithdrawal { ended, .. }) if ended == given + 50
    ));
}

/// Every message about an end says "at or after": the instant itself is
/// no longer covered (half-open intervals).
#[test]
fn end_messages_say_at_or_after() {
    let mut r = record();
    let given = r.grant.issued_at;
    let expires = r.grant.expires_at.unwrap();
    let m = r.permits(&use_at(expires)).unwrap_err().to_string();
    assert!(m.contains("at or after the grant expired at"), "{m}");
    r.add_superseded(given + 100, ArtifactId([1; 16]));
    let m = r.permits(&use_at(given + 100)).unwrap_err().to_string();
    assert!(m.contains("at or after the grant was superseded"), "{m}");
    r.add_withdrawal(given + 50, WithdrawnBy::Person, ArtifactId([2; 16]));
    let m = r.permits(&use_at(given + 50)).unwrap_err().to_string();
    assert!(m.contains("at or after the grant was withdrawn at"), "{m}");
    let m = r.permits(&use_at(given - 1)).unwrap_err().to_string();
    assert!(m.contains("before the grant was given at"), "{m}");
}
