//! Segments (`/api/v1/segments…`): the field catalogue and the live audience preview (`preview`), and
//! the saved, named rule trees (`saved`). Both read a rule tree the same way: [`read_rules`].

mod preview;
mod saved;

pub(super) use preview::read_rules;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    preview::router().merge(saved::router())
}
