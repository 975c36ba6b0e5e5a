//! The domain's id types as SQLite INTEGER columns: bound and read as they are, so the
//! store's functions take and return typed ids (`domain::id`) with no casts at each query.

use crate::domain::id::{
    AttachmentId, BodyId, CampaignId, CaseId, ChaserId, MessageId, OutboxId, UserId,
};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};

macro_rules! sqlite_id {
    ($($name:ident),*) => {$(
        impl sqlx::Type<Sqlite> for $name {
            fn type_info() -> SqliteTypeInfo {
                <i64 as sqlx::Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <i64 as sqlx::Type<Sqlite>>::compatible(ty)
            }
        }

        impl sqlx::Encode<'_, Sqlite> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut SqliteArgumentsBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <i64 as sqlx::Encode<Sqlite>>::encode_by_ref(&self.get(), buf)
            }
        }

        impl sqlx::Decode<'_, Sqlite> for $name {
            fn decode(value: SqliteValueRef<'_>) -> Result<Self, BoxDynError> {
                <i64 as sqlx::Decode<Sqlite>>::decode(value).map($name::new)
            }
        }
    )*};
}

sqlite_id!(
    AttachmentId,
    BodyId,
    CampaignId,
    CaseId,
    ChaserId,
    MessageId,
    OutboxId,
    UserId
);
