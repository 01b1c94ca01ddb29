//! The body of an error answer: the RFC 9457 problem, with the fields to blame, built from an
//! `ApiError`.

use super::{problem_type, ApiError};
use minicrm_domain::{BatchError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error answer (RFC 9457 problem details).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The kind of problem, stable for clients to match on: `urn:minicrm:problem:<name>`.
    #[serde(rename = "type")]
    #[schema(
        pattern = "^urn:minicrm:problem:[a-z-]+$",
        example = "urn:minicrm:problem:bad-request"
    )]
    pub kind: String,
    /// The kind of problem, for a human.
    pub title: String,
    /// The HTTP status, repeated.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong with this request, for a human.
    pub detail: String,
    /// The request's field to blame (a body field, a query parameter or a header), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every bad field, for a body with several (records of a batch, a campaign, segment rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemError>>,
}

/// One bad field of a request body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemError {
    /// The record's position in a batch (ingestion only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The field's path within the record or the body (`items[2].price`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The field's JSON pointer (RFC 6901) into the request body.
    pub pointer: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ProblemError {
    fn of_record(e: &FieldError) -> Self {
        Self {
            index: Some(e.index),
            field: Some(e.field.clone()),
            pointer: e.pointer(),
            reason: e.reason.clone(),
        }
    }

    fn of_request(p: &minicrm_domain::campaign::Problem) -> Self {
        let path = p.field.replace('[', "/").replace(']', "").replace('.', "/");
        Self {
            index: None,
            field: Some(p.field.clone()),
            pointer: format!("/{path}"),
            reason: p.reason.clone(),
        }
    }

    fn of_rule(e: &minicrm_domain::rules::RuleError) -> Self {
        Self {
            index: None,
            field: None,
            pointer: format!("/rules{}", e.path.trim_end_matches('/')),
            reason: e.reason.clone(),
        }
    }
}

impl ApiError {
    /// The body of this error's answer.
    pub(super) fn problem(&self) -> Problem {
        let (status, name, title) = self.parts();
        let (field, errors) = match self {
            ApiError::Batch(BatchError::Invalid(errors)) => (
                None,
                Some(errors.iter().map(ProblemError::of_record).collect()),
            ),
            ApiError::BadRequest { field: Some(f), .. } => (Some(f.clone()), None),
            ApiError::ForbiddenField { field, .. } => (Some(field.clone()), None),
            ApiError::TooManyItems { field, .. } => (Some((*field).to_owned()), None),
            ApiError::Invalid(problems) => (
                problems.first().map(|p| p.field.clone()),
                Some(problems.iter().map(ProblemError::of_request).collect()),
            ),
            ApiError::Rules(errors) => (
                None,
                Some(errors.iter().map(ProblemError::of_rule).collect()),
            ),
            _ => (None, None),
        };
        Problem {
            kind: problem_type(name),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            field,
            errors,
        }
    }
}
