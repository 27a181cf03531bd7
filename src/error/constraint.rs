//! A name that a CA's name constraints forbid: the reason inside
//! [`super::Error::NameConstraint`].

use std::fmt;

/// A name refused because of an issuing CA's nameConstraints.
#[derive(Debug)]
pub struct ConstraintViolation {
    /// What the name is: "SAN", "CN" (checked as a DNS name) or "--permit entry".
    pub what: &'static str,
    /// The name, as the user wrote it or as the certificate holds it.
    pub name: String,
    /// The CA whose constraints refuse it (its CN).
    pub ca: String,
    /// How they refuse it.
    pub how: Refusal,
}

/// How a CA's constraints refuse a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The name is within none of the permitted subtrees of its type (listed).
    NotPermitted {
        /// The permitted subtrees of that type, as text ("DNS test").
        permitted: Vec<String>,
        /// For a wildcard: a name it matches that is outside them.
        example: Option<String>,
    },
    /// The name is within an excluded subtree.
    Excluded {
        /// That subtree, as text.
        by: String,
        /// For a wildcard: the name it could match that the subtree holds.
        example: Option<String>,
    },
}

impl fmt::Display for ConstraintViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, name, ca) = (self.what, &self.name, &self.ca);
        match &self.how {
            Refusal::NotPermitted { permitted, example: None } => write!(
                f,
                "{what} '{name}' is outside the permitted names of '{ca}' (permitted: {})",
                permitted.join(", ")
            ),
            Refusal::NotPermitted { permitted, example: Some(ex) } => write!(
                f,
                "{what} '{name}' could match '{ex}', which is outside the permitted names of '{ca}' (permitted: {})",
                permitted.join(", ")
            ),
            Refusal::Excluded { by, example: None } => {
                write!(f, "{what} '{name}' is inside the excluded names of '{ca}' (excluded: {by})")
            }
            Refusal::Excluded { by, example: Some(ex) } => write!(
                f,
                "{what} '{name}' could match '{ex}', inside the excluded names of '{ca}' (excluded: {by}); \
                 clients would accept it for that name"
            ),
        }
    }
}

impl ConstraintViolation {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self.what {
            "--permit entry" => {
                "permit only names the root allows ('pki inspect' on the root's ca.pem shows its name constraints)"
                    .into()
            }
            _ => "use names within the CA's constraints ('pki inspect' on its ca.pem shows them), or sign with \
                  another CA (--issuer, or a CA directory whose root has no --permit)"
                .into(),
        }
    }
}
