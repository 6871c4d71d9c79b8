//! The Kantara Consent Receipt's numbered categories and the mapping from
//! DPV terms to them (docs/EXPORTS.md shows the same tables; a test checks
//! that they agree).
//!
//! Purpose categories (1 to 16) and PII categories (1 to 16): the Kantara
//! CIS WG's category tables ("Purpose Categories", "Categories of Personal
//! Data"), whose numbers and short codes the Consent Receipt v1.1 example
//! receipt uses. A receipt writes a category as `"N - Short Code"`, as that
//! example does (`"2 - Contracted Service"`, `"1 - Biographical"`).

/// Kantara purpose categories, number and short code.
pub const PURPOSE_CATEGORIES: [(u8, &str); 16] = [
    (1, "Core Function"),
    (2, "Contracted Service"),
    (3, "Delivery"),
    (4, "Contact Requested"),
    (5, "Personalized Experience"),
    (6, "Marketing"),
    (7, "Marketing Third Parties"),
    (8, "Sharing for Delivery"),
    (9, "Sharing for Marketing"),
    (10, "3rd Party Sharing for Core Function"),
    (11, "3rd Party Sharing for ..."),
    (12, "Legally Required Data Retention"),
    (13, "Required by Law Enforcement or Government"),
    (14, "Protecting Your Health"),
    (15, "Protecting Our Interests"),
    (16, "Improve Performance"),
];

/// Kantara categories of personal data, number and short code.
pub const PII_CATEGORIES: [(u8, &str); 16] = [
    (1, "Biographical"),
    (2, "Contact"),
    (3, "Biometric"),
    (4, "Communications/Social"),
    (5, "Network/Service"),
    (6, "Health"),
    (7, "Financial"),
    (8, "Official/Government Identifiers"),
    (9, "Social Services/Welfare"),
    (10, "Judicial"),
    (11, "Property/Asset"),
    (12, "Human Resources"),
    (13, "Psychological/Attitudinal"),
    (14, "Membership"),
    (15, "Behavioural"),
    (16, "Profile"),
];

/// DPV purpose → Kantara purpose category. Every built-in purpose but
/// `dpv:AcademicResearch` (Kantara has no research category) is mapped;
/// other purposes need [`ControllerInfo::kantara_purposes`](super::ControllerInfo::kantara_purposes).
pub const DPV_PURPOSES: [(&str, u8); 14] = [
    ("dpv:ServiceProvision", 1),
    ("dpv:ServicePersonalisation", 5),
    ("dpv:ServiceOptimisation", 16),
    ("dpv:Personalisation", 5),
    ("dpv:PersonalisedAdvertising", 6),
    ("dpv:Marketing", 6),
    ("dpv:Advertising", 6),
    ("dpv:ResearchAndDevelopment", 16),
    ("dpv:CommercialResearch", 16),
    ("dpv:FraudPreventionAndDetection", 15),
    ("dpv:LegalCompliance", 12),
    ("dpv:SellDataToThirdParties", 11),
    ("dpv:CommunicationManagement", 4),
    ("dpv:ServiceUsageAnalytics", 16),
];

/// DPV personal data category → Kantara PII category, for every built-in
/// category (deprecated codes included, mapped as their replacements).
pub const DPV_PII: [(&str, u8); 19] = [
    ("pd:Location", 15),
    ("pd:Preference", 16),
    ("pd:Interest", 16),
    ("pd:BrowsingBehavior", 15),
    ("pd:BrowsingBehaviour", 15),
    ("pd:Professional", 1),
    ("pd:Qualification", 1),
    ("pd:ProfessionalCertification", 1),
    ("pd:ProfessionalExperience", 1),
    ("pd:EmailAddress", 2),
    ("pd:Name", 1),
    ("pd:Age", 1),
    ("pd:Behavioral", 15),
    ("pd:Behavioural", 15),
    ("pd:Identifier", 5),
    ("pd:Communication", 4),
    ("pd:Financial", 7),
    ("pd:Health", 6),
    ("pd:Schedule", 15),
];

/// `"N - Short Code"` for a purpose category number, if it exists.
pub fn purpose_category(n: u8) -> Option<String> {
    PURPOSE_CATEGORIES
        .iter()
        .find(|(k, _)| *k == n)
        .map(|(k, name)| format!("{k} - {name}"))
}

/// `"N - Short Code"` for a PII category number, if it exists.
pub fn pii_category(n: u8) -> Option<String> {
    PII_CATEGORIES
        .iter()
        .find(|(k, _)| *k == n)
        .map(|(k, name)| format!("{k} - {name}"))
}
