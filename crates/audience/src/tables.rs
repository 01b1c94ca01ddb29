//! The tables and columns rules may reach: the catalogue's fields map onto these, never onto user text.

use sea_query::Iden;

#[derive(Iden, Clone, Copy)]
pub enum Customers {
    Table,
    Id,
    Name,
    Email,
    Phone,
    City,
    Attributes,
    CreatedAt,
    TotalSpend,
    OrderCount,
    FirstOrderAt,
    LastOrderAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Orders {
    Table,
    Id,
    CustomerId,
    Amount,
    Status,
    OrderedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum OrderItems {
    Table,
    OrderId,
    Sku,
    Category,
}
