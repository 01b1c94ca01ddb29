//! The message bus: RabbitMQ or the database queue, and how the consumers take their messages. The
//! RabbitMQ URL may carry a password, so these settings print it without one. (It stays a `String`:
//! `minicrm bench` takes an `--amqp-url` of its own, and clap needs the two to have one type.)

use clap::Args;
use minicrm_bus::amqp::AmqpOptions;
use minicrm_store::without_password;

#[derive(Args, Clone)]
pub struct BusArgs {
    /// RabbitMQ (amqp://user:pass@host:5672/vhost). Unset: the durable queue in the database.
    #[arg(long, env = "MINICRM_AMQP_URL", global = true, hide_env_values = true)]
    pub amqp_url: Option<String>,
    /// Prefix of every RabbitMQ queue name, so deployments can share a broker.
    #[arg(
        long,
        env = "MINICRM_AMQP_NAMESPACE",
        default_value = "minicrm",
        global = true
    )]
    pub amqp_namespace: String,
    /// Messages each worker handles at once per queue (and RabbitMQ's prefetch).
    #[arg(
        long,
        env = "MINICRM_WORKER_CONCURRENCY",
        default_value_t = 2,
        global = true
    )]
    pub worker_concurrency: usize,
    /// Queue messages the database queue applies in one transaction (bigger: fewer, larger commits).
    #[arg(long, env = "MINICRM_QUEUE_BATCH", default_value_t = 16, global = true)]
    pub queue_batch: usize,
    /// Deliveries of a failing message before it is dead-lettered.
    #[arg(long, env = "MINICRM_MAX_ATTEMPTS", default_value_t = 8, global = true)]
    pub max_attempts: u32,
    /// Seconds the database queue leases a message to a consumer: a consumer that dies holding one
    /// leaves it to another after this long (RabbitMQ hands it back as soon as the connection drops).
    #[arg(
        long,
        env = "MINICRM_QUEUE_LEASE_SECS",
        default_value_t = 120,
        global = true
    )]
    pub queue_lease_secs: u64,
}

impl BusArgs {
    pub fn amqp(&self) -> Option<AmqpOptions> {
        self.amqp_url.as_ref().map(|url| AmqpOptions {
            url: url.clone(),
            namespace: self.amqp_namespace.clone(),
            queue_expires: None,
        })
    }
}

impl std::fmt::Debug for BusArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusArgs")
            .field("amqp_url", &self.amqp_url.as_deref().map(without_password))
            .field("amqp_namespace", &self.amqp_namespace)
            .field("worker_concurrency", &self.worker_concurrency)
            .field("queue_batch", &self.queue_batch)
            .field("max_attempts", &self.max_attempts)
            .field("queue_lease_secs", &self.queue_lease_secs)
            .finish()
    }
}
