//! Runs a parsed scenario against a fresh [`Sim`] and collects what `mirrorscope run` prints.

use crate::sim::cluster::Cluster;
use crate::sim::ctl::{self, CtlOutput};
use crate::sim::dataplane::PublishResult;
use crate::sim::engine::{Config, PartitionHandling, Sim};
use crate::sim::error::{BrokerError, SettleError};
use crate::sim::model::{ClientError, ClientId, ConfirmOutcome, QueueState};
use crate::sim::pika::Scripts;
use crate::sim::queues::{DeclareArgs, DeclareAttempt};
use crate::sim::scenario::captions::Narration;
use crate::sim::scenario::exchange_ops::{ExchangeOp, PublishLine};
use crate::sim::scenario::parse::{Action, ClientOp, Expectation, Step};
use crate::sim::shared_vec::SharedVec;
use crate::sim::time::{parse_duration, Micros};

/// What one input line did.
#[derive(Debug, Clone, PartialEq)]
pub struct StepResult {
    pub line: usize,
    pub input: String,
    pub output: String,
    pub exit_code: i32,
    pub at: Micros,
}

/// The outcome of one `expect` line.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectResult {
    pub line: usize,
    pub text: String,
    pub passed: bool,
    /// For a failure: each `key: expected X, got Y`.
    pub diff: Vec<String>,
}

/// A whole run.
#[derive(Debug)]
pub struct Run {
    pub sim: Sim,
    /// Every step's result, in order: a shared history (checkpoints share it with the run).
    pub steps: SharedVec<StepResult>,
    pub expectations: Vec<ExpectResult>,
    /// Client name → id and vhost.
    pub clients: Vec<(String, ClientId, String)>,
    /// The `python` scripts (pika clients) of the run.
    pub scripts: Scripts,
    /// The `caption` and `mark` lines placed in time (never in the trace).
    pub narration: Narration,
}

impl Run {
    pub fn all_passed(&self) -> bool {
        self.expectations.iter().all(|e| e.passed)
    }
}

/// The seed, cluster and config a scenario starts from, before any other line runs.
struct Setup {
    names: Vec<String>,
    config: Config,
}

/// Runs the steps. `seed` (from `--seed`) overrides the scenario's `seed` line.
pub fn run_steps(steps: &[Step], seed: Option<u64>) -> Run {
    let mut setup = Setup {
        names: (1..=3).map(|i| format!("rabbit@node{i}")).collect(),
        config: Config::default(),
    };
    let mut started: Option<Run> = None;
    let mut pre_results = SharedVec::new();
    for step in steps {
        let setup_line = matches!(
            step.action,
            Action::Cluster(_) | Action::Seed(_) | Action::Config(_)
        );
        if setup_line && started.is_none() {
            let (out, code) = match apply_setup(&mut setup, &step.action) {
                Ok(()) => (String::new(), 0),
                Err(e) => (e, 2),
            };
            pre_results.push(StepResult {
                line: step.line,
                input: step.text.clone(),
                output: out,
                exit_code: code,
                at: Micros::ZERO,
            });
            continue;
        }
        let run = started.get_or_insert_with(|| {
            let cluster = Cluster::named(&setup.names)
                .unwrap_or_else(|_| Cluster::with_nodes(3).expect("3 nodes"));
            let mut config = setup.config.clone();
            if let Some(s) = seed {
                config.seed = s;
            }
            Run {
                sim: Sim::new(cluster, config),
                steps: std::mem::take(&mut pre_results),
                expectations: Vec::new(),
                clients: Vec::new(),
                scripts: Scripts::new(),
                narration: Narration::default(),
            }
        });
        run.step(step);
    }
    started.unwrap_or_else(|| {
        let cluster = Cluster::named(&setup.names)
            .unwrap_or_else(|_| Cluster::with_nodes(3).expect("3 nodes"));
        let mut config = setup.config;
        if let Some(s) = seed {
            config.seed = s;
        }
        Run {
            sim: Sim::new(cluster, config),
            steps: pre_results,
            expectations: Vec::new(),
            clients: Vec::new(),
            scripts: Scripts::new(),
            narration: Narration::default(),
        }
    })
}

fn apply_setup(setup: &mut Setup, action: &Action) -> Result<(), String> {
    match action {
        Action::Cluster(names) => {
            Cluster::named(names)?;
            setup.names = names.clone();
        }
        Action::Seed(s) => setup.config.seed = *s,
        Action::Config(kvs) => {
            for (k, v) in kvs {
                let c = &mut setup.config;
                match k.as_str() {
                    "net_ticktime" => c.net_ticktime = parse_seconds(v)?,
                    "latency" => c.latency = parse_duration(v)?,
                    "client_latency" => c.client_latency = parse_duration(v)?,
                    "fsync" => c.fsync = parse_duration(v)?,
                    "op_cost" => c.op_cost = parse_duration(v)?,
                    "link_bandwidth" | "frame_bytes" | "body_bytes" => {
                        c.wire.set(k, v)?;
                    }
                    "partition_handling" => {
                        c.partition_handling = match v.as_str() {
                            "ignore" => PartitionHandling::Ignore,
                            "pause_minority" => PartitionHandling::PauseMinority,
                            "autoheal" => PartitionHandling::Autoheal,
                            _ => {
                                return Err(format!(
                                "partition_handling={v}: use ignore, pause_minority or autoheal"
                            ))
                            }
                        }
                    }
                    _ => return Err(format!("unknown config key '{k}'")),
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// `net_ticktime` is in seconds, as in rabbitmq.conf; a unit may be given too.
fn parse_seconds(v: &str) -> Result<Micros, String> {
    if v.chars().all(|c| c.is_ascii_digit()) {
        // The same bound as any duration (1e15 µs): a larger count would overflow the clock.
        match v.parse::<u64>() {
            Ok(secs) if secs <= 1_000_000_000 => Ok(Micros::from_secs(secs)),
            _ => Err(format!("invalid duration '{v}': out of range")),
        }
    } else {
        parse_duration(v)
    }
}

impl Run {
    /// Moves the clock to `t`, letting the `python` scripts run as it passes.
    pub fn advance_to(&mut self, t: Micros) {
        if self.scripts.is_empty() {
            self.sim.advance_to(t);
        } else {
            self.scripts.advance_to(&mut self.sim, t);
        }
        self.clients.extend(self.scripts.take_new_clients());
    }

    /// Moves the clock towards `t` as [`Run::advance_to`] does, but stops once `budget`
    /// simulator events have been processed (with scripts: events and script wakeups);
    /// returns whether `t` was reached. Calling it again
    /// carries on exactly where it stopped: the same events run in the same order as one
    /// `advance_to(t)`, so a run advanced in slices equals one advanced at once (the caller
    /// bounds each slice; the page stays responsive between them).
    pub fn advance_within(&mut self, t: Micros, budget: u64) -> bool {
        let now = self.sim.now();
        if t <= now {
            // Nothing to bound: no event lies before the clock.
            self.advance_to(t);
            return true;
        }
        let e0 = self.sim.events_processed;
        // Without scripts a slice may end between any two events, even of one instant (ten
        // thousand publishes arrive at one): the engine's loop looks at the node monitors and
        // the checker before every event, so the resumed call takes the same path as the whole
        // advance. Whoever stops there completes the instant (`Sim::advance_to(now)`).
        let stopped = if self.scripts.is_empty() {
            self.sim.run_until(Micros(t.0 - now.0), |s| {
                s.events_processed - e0 >= budget.max(1) && s.now() < t
            })
        } else {
            // A slice may end between two events of the scripts' loop: the loop settles the
            // scripts first when it resumes, which a script waiting for a later time or for the
            // broker ignores (it has nothing new to see).
            // Scripts' wakeups are no simulator events: every look the loop takes (one per
            // wakeup and per event) counts against the budget instead.
            // The first look comes before anything ran: a slice ends only once the run moved,
            // so even a budget of one makes progress.
            let mut looks = 0u64;
            self.scripts
                .run_until(&mut self.sim, Micros(t.0 - now.0), |s, _| {
                    looks += 1;
                    looks >= budget
                        && (s.now() > now || s.events_processed > e0)
                        && s.now() < t
                        && s.next_event_time().is_none_or(|e| e > s.now())
                })
        };
        self.clients.extend(self.scripts.take_new_clients());
        !stopped
    }

    /// Runs until `done` holds or `limit` of simulated time has passed (scripts run along).
    pub fn run_until(&mut self, limit: Micros, done: impl Fn(&Sim) -> bool) -> bool {
        let held = if self.scripts.is_empty() {
            self.sim.run_until(limit, done)
        } else {
            self.scripts.run_until(&mut self.sim, limit, |s, _| done(s))
        };
        self.clients.extend(self.scripts.take_new_clients());
        held
    }

    /// Runs until `done` holds for the scripts or `limit` has passed (the editor's Step).
    pub fn run_scripts_until(
        &mut self,
        limit: Micros,
        done: impl FnMut(&Sim, &Scripts) -> bool,
    ) -> bool {
        let held = self.scripts.run_until(&mut self.sim, limit, done);
        self.clients.extend(self.scripts.take_new_clients());
        held
    }

    /// The next moment something happens: a simulator event or a script's timer.
    pub fn next_event_time(&self) -> Option<Micros> {
        let sim = self.sim.next_event_time();
        let scripts = self.scripts.next_time(&self.sim);
        match (sim, scripts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn script_status(&self, name: &str) -> String {
        match self.scripts.get(name) {
            Some(s) => match s.waiting_on() {
                Some(w) => format!(
                    "python {name}: {} at line {} ({w})",
                    s.state().as_str(),
                    s.current_line()
                ),
                None => format!(
                    "python {name}: {} at line {}",
                    s.state().as_str(),
                    s.current_line()
                ),
            },
            None => format!("python {name}: not started"),
        }
    }

    fn check_script(&self, name: &str, checks: &[(String, String)]) -> Vec<String> {
        let Some(s) = self.scripts.get(name) else {
            return vec![format!("no python script named '{name}'")];
        };
        let mut diff = Vec::new();
        for (k, v) in checks {
            let got = match k.as_str() {
                "state" => s.state().as_str().to_string(),
                "line" => s.current_line().to_string(),
                "exit" => s.exit_code().map_or("none".to_string(), |c| c.to_string()),
                "output" | "stdout" => {
                    let text: String = if k == "stdout" {
                        s.output()
                            .iter()
                            .filter(|(e, _)| !e)
                            .map(|(_, t)| t.as_str())
                            .collect()
                    } else {
                        s.output_text()
                    };
                    if !text.contains(v.as_str()) {
                        diff.push(format!("{k}: expected it to contain {v:?}, got {text:?}"));
                    }
                    continue;
                }
                "error" => {
                    match s.error() {
                        Some(e) if e.contains(v.as_str()) => {}
                        Some(e) => {
                            diff.push(format!("error: expected one containing {v:?}, got {e:?}"))
                        }
                        None => diff.push(format!(
                            "error: expected {v:?}, but the script is {}",
                            s.state().as_str()
                        )),
                    }
                    continue;
                }
                _ => continue,
            };
            if &got != v {
                diff.push(format!("{k}: expected {v}, got {got}"));
            }
        }
        diff
    }

    fn node(&self, name: &str) -> Result<usize, String> {
        self.sim.cluster.resolve(name)
    }

    /// The node whose shell runs a command: `on NODE:`, else the first node.
    fn shell_node(&self, node: Option<&str>) -> Result<usize, String> {
        node.map_or(Ok(0), |name| self.node(name))
    }

    fn client(&self, name: &str) -> Result<(ClientId, String), String> {
        self.clients
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, c, v)| (*c, v.clone()))
            .ok_or_else(|| format!("unknown command or client '{name}' (declare clients with: client {name} node=node1)"))
    }

    fn push(&mut self, step: &Step, output: String, exit_code: i32) {
        let at = self.sim.now();
        self.steps.push(StepResult {
            line: step.line,
            input: step.text.clone(),
            output,
            exit_code,
            at,
        });
    }

    /// Runs one step; errors become the step's output with exit code 2.
    pub fn step(&mut self, step: &Step) {
        // Waiting and checking are not actions on the cluster: the trace must not depend on how
        // the clock was moved, so that a live session and its saved scenario replay the same.
        // Nor is narration: a scenario with captions has the same trace as without.
        if !matches!(
            step.action,
            Action::Wait(_) | Action::Expect(_) | Action::Caption(_) | Action::Mark(_)
        ) {
            // A script's source would flood the trace: its header line stands for it.
            self.sim
                .record_input(step.text.lines().next().unwrap_or_default());
        }
        let res = self.exec(step);
        // Scripts react to what the input did to the cluster at once (a node going away).
        self.scripts.settle(&mut self.sim);
        self.clients.extend(self.scripts.take_new_clients());
        match res {
            Ok(Some(o)) => self.push(step, o.output, o.exit_code),
            Ok(None) => {}
            Err(e) => self.push(step, format!("error: {e}"), 2),
        }
    }

    fn exec(&mut self, step: &Step) -> Result<Option<CtlOutput>, String> {
        match &step.action {
            Action::Cluster(_) | Action::Seed(_) | Action::Config(_) => {
                Err("cluster, seed and config lines must come before everything else".into())
            }
            Action::Command { node, words } => {
                let n = self.shell_node(node.as_deref())?;
                Ok(Some(ctl::run_words(&mut self.sim, n, words)))
            }
            Action::Redirected {
                node,
                words,
                redirect,
            } => {
                let n = self.shell_node(node.as_deref())?;
                Ok(Some(ctl::run_redirected(&mut self.sim, n, words, redirect)))
            }
            Action::Stop(n) => {
                let n = self.node(n)?;
                self.sim.stop_node_and_wait(n, true)?;
                Ok(Some(CtlOutput::ok("")))
            }
            Action::Kill(n) => {
                let n = self.node(n)?;
                self.sim.kill_node(n)?;
                Ok(Some(CtlOutput::ok("")))
            }
            Action::CrashQueue { queue, node, vhost } => {
                let n = self.node(node)?;
                let q = self
                    .sim
                    .find_queue_from(n, vhost, queue)
                    .ok_or_else(|| format!("crash: no queue '{queue}' in vhost '{vhost}'"))?;
                self.sim.crash_queue_process(q, n)?;
                Ok(Some(CtlOutput::ok("")))
            }
            Action::Start(n) => {
                let n = self.node(n)?;
                self.sim.start_node_and_wait(n)?;
                Ok(Some(CtlOutput::ok("")))
            }
            Action::Partition(sides) => {
                let mut idx = Vec::new();
                for s in sides {
                    let mut v = Vec::new();
                    for name in s {
                        v.push(self.node(name)?);
                    }
                    idx.push(v);
                }
                self.sim.partition(&idx)?;
                Ok(Some(CtlOutput::ok("")))
            }
            Action::PartialPartition(a, b) => {
                let (a, b) = (self.node(a)?, self.node(b)?);
                self.sim.partial_partition(a, b)?;
                Ok(Some(CtlOutput::ok("")))
            }
            Action::Drop(id) => Ok(Some(match self.sim.drop_in_flight(*id) {
                Ok(()) => CtlOutput::ok(""),
                // A fault that finds nothing to break is a failed action, not a broken line.
                Err(e) => CtlOutput {
                    output: e,
                    exit_code: 1,
                },
            })),
            Action::Join => {
                let n = self
                    .sim
                    .join_node()
                    .map_err(|e| e.explain(&self.sim.cluster))?;
                Ok(Some(CtlOutput::ok(format!(
                    "{} joined the cluster",
                    self.sim.node_name(n)
                ))))
            }
            Action::Heal => {
                self.sim.heal()?;
                Ok(Some(CtlOutput::ok("")))
            }
            Action::Wait(d) => {
                let t = self.sim.now() + *d;
                self.advance_to(t);
                Ok(None)
            }
            Action::Python {
                name,
                node,
                paused,
                source,
                argv,
            } => {
                let home = match node {
                    Some(n) => self.node(n)?,
                    None => 0,
                };
                self.scripts
                    .start(&mut self.sim, name, source, home, *paused, argv)
                    .map_err(|e| format!("python {name}: {e}"))?;
                self.clients.extend(self.scripts.take_new_clients());
                Ok(Some(CtlOutput::ok(self.script_status(name))))
            }
            Action::PythonControl { name, control } => {
                let out = self.scripts.control(&mut self.sim, name, *control)?;
                Ok(Some(CtlOutput::ok(out)))
            }
            Action::Client { name, node, vhost } => {
                let n = self.node(node)?;
                if let Err(e) = self
                    .sim
                    .vhost_access(vhost, crate::sim::vhosts::DEFAULT_USER)
                {
                    // The client's failure, as pika raises it; not a scenario error.
                    return Ok(Some(CtlOutput {
                        output: format!(
                            "ProbableAccessDeniedError: ConnectionClosedByBroker: ({}) {}",
                            e.code, e.text
                        ),
                        exit_code: 1,
                    }));
                }
                let c = self.sim.connect(name, n)?;
                self.sim.note_client_vhost(c, vhost);
                self.clients.push((name.clone(), c, vhost.clone()));
                Ok(Some(CtlOutput::ok(format!(
                    "connected to {}",
                    self.sim.node_name(n)
                ))))
            }
            Action::ClientOp { client, op } => {
                let (c, vhost) = self.client(client)?;
                self.client_op(c, &vhost, op).map(Some)
            }
            Action::Caption(_) | Action::Mark(_) => self.narrate(&step.action).map(Some),
            Action::Expect(e) => {
                let diff = self.check(e);
                self.expectations.push(ExpectResult {
                    line: step.line,
                    text: step.text.clone(),
                    passed: diff.is_empty(),
                    diff,
                });
                Ok(None)
            }
        }
    }

    /// Places a caption or mark in time; its output says where, so `mirrorscope run` shows
    /// each at its moment.
    fn narrate(&mut self, action: &Action) -> Result<CtlOutput, String> {
        let now = self.sim.now();
        let out = match action {
            Action::Caption(line) => {
                let c = self.narration.add_caption(line, now)?;
                let mut out = format!("caption at {}", c.at);
                if let Some(end) = c.until {
                    out.push_str(&format!(" until {end}"));
                }
                out.push_str(&format!(": {}", c.en));
                if let Some(zh) = &c.zh {
                    out.push_str(&format!("\n  zh: {zh}"));
                }
                out
            }
            Action::Mark(line) => {
                let m = self.narration.add_mark(line, now)?;
                format!("mark at {}: {}", m.at, m.name)
            }
            _ => return Err("not a caption or mark".into()),
        };
        Ok(CtlOutput::ok(out))
    }

    fn client_op(&mut self, c: ClientId, vhost: &str, op: &ClientOp) -> Result<CtlOutput, String> {
        if !self.sim.clients[c.0].connected {
            return Err(format!(
                "client {} is not connected ({})",
                self.sim.clients[c.0].name,
                self.sim.clients[c.0]
                    .errors
                    .last()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ));
        }
        if self.sim.clients[c.0].channel_closed && !matches!(op, ClientOp::Close) {
            // pika refuses a call on a channel the broker closed.
            return Ok(CtlOutput {
                output: "ChannelWrongStateError: Channel is closed.".into(),
                exit_code: 1,
            });
        }
        let node = self.sim.clients[c.0].node;
        match op {
            ClientOp::Exchange(op) => self.exchange_op(c, vhost, op),
            ClientOp::Declare {
                queue,
                durable,
                exclusive,
                auto_delete,
                passive,
                args,
            } => {
                let d = DeclareArgs {
                    name: queue.clone(),
                    durable: *durable,
                    exclusive: *exclusive,
                    auto_delete: *auto_delete,
                    passive: *passive,
                    args: args.clone(),
                };
                // pika waits in queue_declare while rabbit_amqqueue:with/4 retries.
                let deadline = self.sim.now() + crate::sim::engine::MASTER_RETRY;
                let answer = loop {
                    match self
                        .sim
                        .declare_queue_retrying(Some(c), node, vhost, d.clone(), deadline)
                    {
                        DeclareAttempt::Done(answer) => break answer,
                        DeclareAttempt::RetryAt(t) => self.advance_to(t),
                    }
                };
                match answer {
                    Ok(q) => Ok(CtlOutput::ok(format!(
                        "declare-ok {}",
                        self.sim.queue(q).name
                    ))),
                    Err(e) => Ok(self.channel_error(c, e.into())),
                }
            }
            ClientOp::Confirm => {
                self.sim.confirm_select(c);
                Ok(CtlOutput::ok("confirm.select-ok"))
            }
            ClientOp::Publish {
                queue,
                body,
                persistent,
                count,
                expiration,
            } => {
                crate::sim::limits::check_run_publishes(self.sim.messages.len(), *count as usize)?;
                let mut out = Vec::new();
                for i in 1..=*count {
                    let b = if body.contains("{i}") {
                        body.replace("{i}", &i.to_string())
                    } else if *count > 1 {
                        format!("{body}{i}")
                    } else {
                        body.clone()
                    };
                    let p = crate::sim::dataplane::Publish {
                        exchange: "",
                        key: queue,
                        body: &b,
                        persistent: *persistent,
                        headers: &[],
                        mandatory: false,
                        expiration: expiration.as_deref(),
                    };
                    match self.sim.publish_to(c, vhost, p)? {
                        PublishResult::Sent { .. } => {}
                        PublishResult::Unroutable { seq } => out.push(format!(
                            "seq {seq}: unroutable (no queue '{queue}'), dropped"
                        )),
                        PublishResult::Dropped { seq } => {
                            out.push(format!("seq {seq}: queue has no live master: dropped"))
                        }
                        PublishResult::Refused { error } => {
                            return Ok(channel_closed_by_broker(&error));
                        }
                    }
                }
                if out.is_empty() {
                    out.push(format!("published {count}"));
                }
                Ok(CtlOutput::ok(out.join("\n")))
            }
            ClientOp::Consume {
                queue,
                manual_ack,
                prefetch,
                args,
            } => {
                match self
                    .sim
                    .consume(c, vhost, queue, *manual_ack, *prefetch, args)
                {
                    Ok(tag) => Ok(CtlOutput::ok(format!("consume-ok {tag}"))),
                    Err(e) => Ok(self.channel_error(c, e)),
                }
            }
            ClientOp::Get { queue, manual_ack } => {
                let before = (
                    self.sim.clients[c.0].deliveries.len(),
                    self.sim.clients[c.0].errors.len(),
                );
                if let Err(e) = self.sim.get(c, vhost, queue, *manual_ack) {
                    return Ok(self.channel_error(c, e));
                }
                // basic.get is synchronous in pika: wait for the reply (or the ~60 s retry).
                self.run_until(Micros::from_secs(70), |s| {
                    let cl = &s.clients[c.0];
                    (cl.deliveries.len(), cl.errors.len()) != (before.0, before.1) || !cl.connected
                });
                let cl = &self.sim.clients[c.0];
                if cl.deliveries.len() > before.0 {
                    let d = cl.deliveries.last().expect("grew");
                    Ok(CtlOutput::ok(format!(
                        "get-ok {:?} delivery_tag={} redelivered={}",
                        d.body, d.delivery_tag, d.redelivered
                    )))
                } else if let Some(e) = cl.errors.last().filter(|_| cl.errors.len() > before.1) {
                    Ok(match e {
                        ClientError::Channel(e) => channel_closed_by_broker(e),
                        ClientError::GetEmpty => CtlOutput::ok(e.to_string()),
                        ClientError::Connection(_) => CtlOutput {
                            output: e.to_string(),
                            exit_code: 1,
                        },
                    })
                } else {
                    Ok(CtlOutput {
                        output: "no reply".into(),
                        exit_code: 1,
                    })
                }
            }
            ClientOp::Ack(tag) => match self.sim.ack(c, *tag) {
                Ok(n) => Ok(CtlOutput::ok(format!("acked {n}"))),
                Err(e) => self.settle_error(c, e),
            },
            ClientOp::Nack { tag, requeue } => match self.sim.reject(c, *tag, *requeue) {
                Ok(n) => Ok(CtlOutput::ok(format!("nacked {n} (requeue={requeue})"))),
                Err(e) => self.settle_error(c, e),
            },
            ClientOp::TxSelect => {
                self.sim.tx_select(c);
                Ok(CtlOutput::ok("tx.select-ok"))
            }
            ClientOp::TxCommit => {
                let pending: Vec<u64> = self.sim.clients[c.0].unconfirmed.keys().copied().collect();
                self.run_until(Micros::from_secs(600), |s| {
                    let cl = &s.clients[c.0];
                    !cl.connected || pending.iter().all(|k| !cl.unconfirmed.contains_key(k))
                });
                Ok(CtlOutput::ok("tx.commit-ok"))
            }
            ClientOp::Close => {
                self.sim.close_client(c);
                Ok(CtlOutput::ok("connection closed"))
            }
        }
    }

    /// The broker closes the client's channel: the client records the error and the line
    /// fails as pika's call does.
    fn channel_error(&mut self, c: ClientId, e: BrokerError) -> CtlOutput {
        let out = channel_closed_by_broker(&e);
        self.sim.close_channel(c, e);
        out
    }

    /// An unknown delivery tag closes the channel with `406 PRECONDITION_FAILED`.
    fn settle_error(&mut self, c: ClientId, e: SettleError) -> Result<CtlOutput, String> {
        match e {
            SettleError::UnknownTag(_) => Ok(self.channel_error(
                c,
                BrokerError {
                    code: 406,
                    text: e.to_string(),
                },
            )),
            SettleError::ChannelClosed => Err(e.to_string()),
        }
    }

    /// What differs from `e` on the run as it is now (empty: it holds). Lessons reuse it for
    /// their checks, which never fail the run.
    pub fn check(&self, e: &Expectation) -> Vec<String> {
        match e {
            Expectation::Exit(n) => match self.steps.last() {
                Some(s) if s.exit_code == *n => Vec::new(),
                Some(s) => vec![format!("exit code: expected {n}, got {}", s.exit_code)],
                None => vec!["no command ran before this expect".into()],
            },
            Expectation::Output(t) => match self.steps.last() {
                Some(s) if s.output.contains(t.as_str()) => Vec::new(),
                Some(s) => vec![format!(
                    "output: expected to contain {t:?}, got {:?}",
                    s.output
                )],
                None => vec!["no command ran before this expect".into()],
            },
            Expectation::Queue {
                vhost,
                name,
                checks,
            } => self.check_queue(vhost, name, checks),
            Expectation::Client { name, checks } => self.check_client(name, checks),
            Expectation::Exchange {
                vhost,
                name,
                checks,
            } => self.check_exchange(vhost, name, checks),
            Expectation::Script { name, checks } => self.check_script(name, checks),
            Expectation::Node { name, checks } => match self.node(name) {
                Ok(n) => crate::sim::scenario::expect_node::check_node(&self.sim, n, checks, |x| {
                    self.node(x)
                }),
                Err(e) => vec![e],
            },
            Expectation::Anomalies(checks) => {
                let found = crate::sim::checker::check(&self.sim);
                checks
                    .iter()
                    .filter_map(|(k, v)| {
                        let got = found
                            .iter()
                            .filter(|a| a.kind.as_str() == k)
                            .count()
                            .to_string();
                        (&got != v).then(|| format!("{k}: expected {v}, got {got}"))
                    })
                    .collect()
            }
        }
    }

    fn node_list(&self, v: &str) -> Result<Vec<usize>, String> {
        v.split(',')
            .filter(|s| !s.is_empty())
            .map(|s| self.node(s))
            .collect()
    }

    fn check_queue(&self, vhost: &str, name: &str, checks: &[(String, String)]) -> Vec<String> {
        let s = &self.sim;
        // `on=NODE` picks that node's view (a split brain has one record per side).
        let q = match checks.iter().find(|(k, _)| k == "on") {
            Some((_, n)) => match self.node(n) {
                Ok(n) => s.find_queue_from(n, vhost, name),
                Err(e) => return vec![e],
            },
            None => s.find_queue(vhost, name),
        }
        .filter(|&q| s.queue_available(q));
        let mut diff = Vec::new();
        let names = |v: &[usize]| {
            v.iter()
                .map(|&n| s.node_name(n).to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        for (k, v) in checks {
            if k == "on" {
                continue;
            }
            if k == "absent" {
                if q.is_some() {
                    diff.push(format!(
                        "absent: expected queue '{name}' not to be listed, but it is"
                    ));
                }
                continue;
            }
            if k == "state" && v == "down" {
                let down = s
                    .find_queue(vhost, name)
                    .is_some_and(|q| !s.queue_available(q));
                if !down {
                    diff.push("state: expected down (no live master)".to_string());
                }
                continue;
            }
            let Some(q) = q else {
                diff.push(format!(
                    "{k}: queue '{name}' in vhost '{vhost}' is not available"
                ));
                continue;
            };
            let r = s.queue(q);
            let m = &s.procs[r.master.0];
            let got: String = match k.as_str() {
                "master" => s.node_name(s.master_node(q)).to_string(),
                "mirrors" => names(&s.mirror_nodes(q)),
                "mirror_count" => r.mirrors.len().to_string(),
                "synced" => {
                    let mut v = s.synced_nodes(q);
                    crate::sort::sort(&mut v);
                    names(&v)
                }
                "synced_count" => r.synced.len().to_string(),
                "messages" => m.depth().to_string(),
                "ready" => m.ready.len().to_string(),
                "unacked" => m.unacked.len().to_string(),
                "policy" => r.policy.clone().unwrap_or_default(),
                "mirrored" => r.is_mirrored().to_string(),
                "durable" => r.durable.to_string(),
                "state" => match r.state {
                    QueueState::Running => "running",
                    QueueState::Syncing => "syncing",
                    QueueState::Down => "down",
                    QueueState::Stopped => "stopped",
                }
                .to_string(),
                _ => String::new(),
            };
            let want: String = match k.as_str() {
                "master" => match self.node(v) {
                    Ok(n) => s.node_name(n).to_string(),
                    Err(e) => e,
                },
                "mirrors" => match self.node_list(v) {
                    Ok(l) => names(&l),
                    Err(e) => e,
                },
                "synced" => match self.node_list(v) {
                    Ok(mut l) => {
                        crate::sort::sort(&mut l);
                        names(&l)
                    }
                    Err(e) => e,
                },
                _ => v.clone(),
            };
            if got != want {
                diff.push(format!("{k}: expected {want}, got {got}"));
            }
        }
        diff
    }

    fn check_client(&self, name: &str, checks: &[(String, String)]) -> Vec<String> {
        let Ok((c, _)) = self.client(name) else {
            return vec![format!("no client named '{name}'")];
        };
        let cl = &self.sim.clients[c.0];
        let mut diff = Vec::new();
        for (k, v) in checks {
            let got = match k.as_str() {
                "connected" => cl.connected.to_string(),
                "channel" => if cl.channel_open() { "open" } else { "closed" }.to_string(),
                "deliveries" => cl.deliveries.len().to_string(),
                "redelivered" => cl
                    .deliveries
                    .iter()
                    .filter(|d| d.redelivered)
                    .count()
                    .to_string(),
                "received" => cl
                    .deliveries
                    .iter()
                    .map(|d| &*d.body)
                    .collect::<Vec<_>>()
                    .join(","),
                "confirmed" => cl
                    .confirms
                    .iter()
                    .filter(|x| x.2 == ConfirmOutcome::Ack)
                    .count()
                    .to_string(),
                "nacked" => cl
                    .confirms
                    .iter()
                    .filter(|x| x.2 == ConfirmOutcome::Nack)
                    .count()
                    .to_string(),
                "unconfirmed" => cl.unconfirmed.len().to_string(),
                "returned" => self.returned_to(c).to_string(),
                "cancelled" => cl.cancelled.len().to_string(),
                "unacked" => cl
                    .deliveries
                    .iter()
                    .filter(|d| !d.acked)
                    .count()
                    .to_string(),
                "error" => {
                    if !cl.errors.iter().any(|e| e.to_string().contains(v.as_str())) {
                        diff.push(format!(
                            "error: expected one containing {v:?}, got {:?}",
                            cl.errors
                        ));
                    }
                    continue;
                }
                _ => String::new(),
            };
            if &got != v {
                diff.push(format!("{k}: expected {v}, got {got}"));
            }
        }
        diff
    }

    /// The exchange, binding and purge lines, and publishes through an exchange.
    fn exchange_op(
        &mut self,
        c: ClientId,
        vhost: &str,
        op: &ExchangeOp,
    ) -> Result<CtlOutput, String> {
        match op {
            ExchangeOp::Declare(spec) => self.sim.exchange_cap(vhost, spec)?,
            ExchangeOp::Bind { spec, unbind } => self.sim.binding_cap(vhost, spec, *unbind)?,
            _ => {}
        }
        let answer = match op {
            ExchangeOp::Declare(spec) => self
                .sim
                .exchange_declare(c, vhost, spec)
                .map(|_| "exchange.declare-ok".to_string()),
            ExchangeOp::Delete { name, if_unused } => self
                .sim
                .exchange_delete(c, vhost, name, *if_unused)
                .map(|()| "exchange.delete-ok".to_string()),
            ExchangeOp::Bind { spec, unbind } => {
                let ok = format!("{}-ok", spec.method(*unbind).to_lowercase());
                self.sim.bind(c, vhost, spec, *unbind).map(|()| ok)
            }
            ExchangeOp::Purge { queue } => match self.sim.purge(c, vhost, queue) {
                Ok(n) => Ok(format!("queue.purge-ok message_count={n}")),
                Err(e) => return Ok(self.channel_error(c, e)),
            },
            ExchangeOp::Publish(p) => return self.publish_through(c, vhost, p),
        };
        Ok(match answer {
            Ok(text) => CtlOutput::ok(text),
            Err(e) if self.sim.clients[c.0].connected => channel_closed_by_broker(&e),
            Err(e) => CtlOutput {
                output: format!(
                    "ConnectionClosedByBroker: ({}, {})",
                    e.code,
                    crate::py::format::repr_str(&e.text)
                ),
                exit_code: 1,
            },
        })
    }

    /// `publish exchange=X key=K "body" …`: like a default-exchange publish, with the
    /// returns of `mandatory`.
    fn publish_through(
        &mut self,
        c: ClientId,
        vhost: &str,
        line: &PublishLine,
    ) -> Result<CtlOutput, String> {
        let (count, body, mandatory) = (line.count, &line.body, line.mandatory);
        crate::sim::limits::check_run_publishes(self.sim.messages.len(), count as usize)?;
        let mut out = Vec::new();
        for i in 1..=count {
            let b = if body.contains("{i}") {
                body.replace("{i}", &i.to_string())
            } else if count > 1 {
                format!("{body}{i}")
            } else {
                body.to_string()
            };
            // A fan-out makes a message per queue: the run's bound counts every copy.
            crate::sim::limits::check_run_publishes(self.sim.messages.len(), 1)?;
            let p = crate::sim::dataplane::Publish {
                exchange: &line.exchange,
                key: &line.key,
                body: &b,
                persistent: line.persistent,
                headers: &line.headers,
                mandatory,
                expiration: line.expiration.as_deref(),
            };
            match self.sim.publish_to(c, vhost, p)? {
                PublishResult::Sent { .. } => {}
                PublishResult::Unroutable { seq } if mandatory => {
                    out.push(format!("seq {seq}: unroutable, returned (312 NO_ROUTE)"))
                }
                PublishResult::Unroutable { seq } => {
                    out.push(format!("seq {seq}: unroutable, dropped"))
                }
                PublishResult::Dropped { seq } => {
                    out.push(format!("seq {seq}: queue has no live master: dropped"))
                }
                PublishResult::Refused { error } => return Ok(channel_closed_by_broker(&error)),
            }
        }
        if out.is_empty() {
            out.push(format!("published {count}"));
        }
        Ok(CtlOutput::ok(out.join("\n")))
    }

    /// basic.return frames the client received.
    fn returned_to(&self, c: ClientId) -> usize {
        self.sim
            .exchanges
            .returned
            .iter()
            .filter(|(x, _)| *x == c.0)
            .count()
    }

    /// `expect exchange NAME …`.
    fn check_exchange(&self, vhost: &str, name: &str, checks: &[(String, String)]) -> Vec<String> {
        let x = self.sim.exchanges.get(vhost, name);
        let mut diff = Vec::new();
        for (k, v) in checks {
            let got = match (k.as_str(), x) {
                ("absent", _) => {
                    if x.is_some() {
                        diff.push(format!("exchange '{name}' exists, expected absent"));
                    }
                    continue;
                }
                (_, None) => {
                    diff.push(format!("no exchange '{name}' in vhost '{vhost}'"));
                    break;
                }
                ("type", Some(x)) => x.kind.as_str().to_string(),
                ("durable", Some(x)) => x.durable.to_string(),
                ("auto_delete", Some(x)) => x.auto_delete.to_string(),
                ("internal", Some(x)) => x.internal.to_string(),
                ("bindings", Some(x)) => self
                    .sim
                    .exchanges
                    .from_source(vhost, &x.name)
                    .count()
                    .to_string(),
                ("policy", Some(x)) => self
                    .sim
                    .exchange_policy(x)
                    .map(|p| p.name().to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            if &got != v {
                diff.push(format!("{k}: expected {v}, got {got}"));
            }
        }
        diff
    }
}

/// What pika raises when the broker closes the channel: `ChannelClosedByBroker` with the reply
/// code and text, as Python prints the exception's arguments.
fn channel_closed_by_broker(e: &BrokerError) -> CtlOutput {
    CtlOutput {
        output: format!(
            "ChannelClosedByBroker: ({}, {})",
            e.code,
            crate::py::format::repr_str(&e.text)
        ),
        exit_code: 1,
    }
}
