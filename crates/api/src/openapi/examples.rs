//! Example request bodies: what a client would really send. Docs readers copy them, and schemathesis
//! starts from them, so that every route is also tried on a request it should take.

use serde_json::{json, Value};

/// Lapsed big spenders: a nested rule tree.
pub fn rules() -> Value {
    json!({"combinator": "and", "rules": [
        {"field": "total_spend", "operator": ">", "value": 5000},
        {"combinator": "or", "rules": [
            {"field": "order_count", "operator": "<", "value": 3},
            {"field": "last_order_at", "operator": "older_than_days", "value": 90}]}]})
}

pub fn customers() -> Value {
    json!([{"external_id": "C-1001", "name": "Asha Verma", "email": "asha@example.com",
        "phone": "+919876543210", "city": "Pune", "attributes": {"tier": "gold"}}])
}

pub fn orders() -> Value {
    json!({"external_id": "O-5001", "customer_external_id": "C-1001", "amount": "1499.50",
        "ordered_at": "2025-01-10T10:00:00Z", "items": [{"sku": "KURTA-01", "name": "Cotton kurta",
        "category": "apparel", "quantity": 1, "price": "1499.50"}]})
}

pub fn customers_csv() -> Value {
    json!("external_id,name,email,city,attributes.tier\nC-2001,Ravi Kumar,ravi@example.com,Delhi,silver\n")
}

pub fn preview() -> Value {
    json!({"rules": rules()})
}

pub fn segment() -> Value {
    json!({"name": "Lapsed big spenders", "description": "Spent over 5,000; few or old orders.",
        "rules": rules()})
}

pub fn campaign() -> Value {
    json!({"name": "We miss you", "rules": rules(), "channel": "sms",
        "message": "Hi {{first_name | default: \"there\"}}, 10% off everything this week.",
        "objective": "win-back", "tags": ["retention"]})
}

pub fn prompt() -> Value {
    json!({"prompt": "haven't shopped in 6 months and spent over ₹5K"})
}

pub fn messages() -> Value {
    json!({"objective": "win-back", "channel": "email", "tone": "friendly", "rules": rules()})
}

pub fn send_time() -> Value {
    json!({"rules": rules()})
}

pub fn api_key() -> Value {
    json!({"name": "shop sync", "scopes": ["ingest"]})
}

pub fn user_change() -> Value {
    json!({"role": "marketer"})
}

pub fn receipts() -> Value {
    json!([{"id": "vr_1a2b3c", "message_id": "vm_9f8e7d", "reference": "42", "status": "failed",
        "reason": "dnd_registry", "occurred_at": "2025-01-10T10:00:01.250Z"}])
}
