//! The message bus on its own: the database queue on SQLite and (when MINICRM_TEST_DATABASE_URL names
//! a server) PostgreSQL, and RabbitMQ when MINICRM_TEST_AMQP_URL names a broker — delivery, retries
//! with backoff, dead letters, leases, the inbox, and the order the database queue promises.

mod amqp;
mod dbqueue;
mod harness;
mod leases;
