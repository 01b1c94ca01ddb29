//! The OpenAPI schema of a batch body: one record, or an array of 1 to `MAX_BATCH` of them.

use super::MAX_BATCH;

/// Declares `$batch`, the schema of an ingestion's body (the type is only that): one `$record`, or an
/// array of 1 to `MAX_BATCH` of them.
macro_rules! batch_schema {
    ($batch:ident, $record:ident) => {
        #[doc = concat!("The schema of a batch of `", stringify!($record), "`: one, or an array.")]
        pub struct $batch;

        impl utoipa::PartialSchema for $batch {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                $crate::ingest::one_or_many(&<$record as utoipa::ToSchema>::name())
            }
        }

        impl utoipa::ToSchema for $batch {
            fn schemas(
                schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::Schema>)>,
            ) {
                let name = <$record as utoipa::ToSchema>::name().into_owned();
                schemas.push((name, <$record as utoipa::PartialSchema>::schema()));
                <$record as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}
pub(crate) use batch_schema;

/// One of the schema `name`, or an array of 1 to `MAX_BATCH` of them.
pub fn one_or_many(name: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Ref};
    let one = Ref::from_schema_name(name);
    let many = ArrayBuilder::new()
        .items(one.clone())
        .min_items(Some(1))
        .max_items(Some(MAX_BATCH));
    OneOfBuilder::new()
        .item(one)
        .item(many)
        .description(Some(format!(
            "One record, or an array of 1 to {MAX_BATCH}. One bad field refuses the batch whole."
        )))
        .into()
}
