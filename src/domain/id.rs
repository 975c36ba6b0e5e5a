//! Row ids that cannot be mixed up: each kind of stored thing has its own id type, so a
//! message id is never passed where a case id is wanted. They are parsed at the edge (a
//! command's argument, a page's path) and travel typed down to the store.

/// Defines an id type: a transparent `i64` (the same in JSON), shown and parsed as the
/// number.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                s.parse()
                    .map(Self)
                    .map_err(|_| format!("'{s}' is not {} id: give its number", $what))
            }
        }
    };
}

id_type!(
    /// A case's id (people name cases by their reference).
    CaseId,
    "a case"
);
id_type!(
    /// A campaign's id (people name campaigns by their name).
    CampaignId,
    "a campaign"
);
id_type!(
    /// A body's id (people name bodies by their key).
    BodyId,
    "a body"
);
id_type!(
    /// A stored email's id (`foi message show ID`, `foi triage ...`).
    MessageId,
    "a message"
);
id_type!(
    /// An attachment's id (`foi attachment save ID`).
    AttachmentId,
    "an attachment"
);
id_type!(
    /// An outbox email's id (`foi outbox show ID`).
    OutboxId,
    "an outbox email"
);
id_type!(
    /// A chaser's id (`foi chasers show ID`).
    ChaserId,
    "a chaser"
);
id_type!(
    /// A dashboard user's id.
    UserId,
    "a user"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_show_and_serialise_as_their_number() {
        let id: MessageId = "42".parse().unwrap();
        assert_eq!(id, MessageId::new(42));
        assert_eq!(id.to_string(), "42");
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        let e = "x1".parse::<ChaserId>().unwrap_err();
        assert_eq!(e, "'x1' is not a chaser id: give its number");
    }
}
