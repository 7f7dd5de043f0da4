//! The two sides of a fork under one clock: each side is an ordinary [`Player`] loaded with
//! its own scenario; the pair keeps play/pause and the speed, and turns every tick, seek and
//! typed line into the same action on both, so they always show the same instant.

use crate::sim::checker::check;
use crate::sim::fork::outcome::{differences, outcome, Difference, Outcome};
use crate::sim::fork::spec::{ForkError, ForkErrorKind, ForkSpec, Side, Variation};
use crate::sim::limits::PUBLISHES_PER_RUN_MAX;
use crate::sim::scenario::parse::{parse, Action as Line};
use crate::sim::scenario::player::{Action, Player, MAX_SPEED, MIN_SPEED};
use crate::sim::time::Micros;

/// Messages a run may hold when it is forked: the fork keeps two runs, so together they stay
/// within what one run may publish.
pub const FORK_MESSAGES_MAX: usize = PUBLISHES_PER_RUN_MAX / 2;

/// The fork of `player`'s run at its cursor into `a` and `b`: the inputs up to the cursor
/// are the base, those after it (a scenario forked mid-way) run on both sides after their own
/// lines. Refused when the run is too large to keep twice.
pub fn fork_at_cursor(player: &Player, a: Variation, b: Variation) -> Result<ForkSpec, ForkError> {
    let sim = &player.session.run.sim;
    if sim.messages.len() > FORK_MESSAGES_MAX {
        let messages = sim.messages.len();
        return Err(ForkError::new(0, ForkErrorKind::RunTooLarge { messages }));
    }
    let t = player.cursor.min(player.horizon());
    let base = player.session.to_scenario_until(t);
    let mut spec = ForkSpec::new(&base, a, b)?;
    spec.after = lines_after(player, t);
    // The rest may make a side too long or fail to parse after a side's lines.
    ForkSpec::parse(&spec.to_text())
}

/// The inputs after `t` as scenario lines, with `wait`s from `t` between them.
fn lines_after(player: &Player, t: Micros) -> String {
    let inputs = player.session.inputs();
    let first = inputs.partition_point(|i| i.at <= t);
    let mut out = String::new();
    let mut clock = t;
    for i in &inputs[first..] {
        if i.at > clock {
            out.push_str(&format!("{}\n", Line::Wait(Micros(i.at.0 - clock.0))));
        }
        out.push_str(&i.line);
        out.push('\n');
        clock = i.after.max(i.at);
    }
    let horizon = player.horizon();
    if horizon > clock {
        out.push_str(&format!("{}\n", Line::Wait(Micros(horizon.0 - clock.0))));
    }
    out
}

/// Inputs the base scenario records (every line but set-up, `wait` and `expect`): the side's
/// own lines follow them in each side's session.
pub fn base_inputs(base: &str) -> usize {
    parse(base).map_or(0, |steps| {
        steps
            .iter()
            .filter(|s| {
                !matches!(
                    s.action,
                    Line::Cluster(_)
                        | Line::Seed(_)
                        | Line::Config(_)
                        | Line::Wait(_)
                        | Line::Expect(_)
                )
            })
            .count()
    })
}

/// The fork instant of two loaded sides: when a side's own lines ran (`base_inputs` from
/// [`base_inputs`]).
pub fn fork_instant(spec: &ForkSpec, base_inputs: usize, a: &Player, b: &Player) -> Micros {
    [(Side::A, a), (Side::B, b)]
        .into_iter()
        .filter(|(s, _)| !spec.variation(*s).lines.is_empty())
        .filter_map(|(_, p)| p.session.inputs().get(base_inputs).map(|i| i.at))
        .min()
        .unwrap_or(Micros::ZERO)
}

/// Two runs in lock-step.
#[derive(Debug)]
pub struct ForkPair {
    pub spec: ForkSpec,
    pub a: Player,
    pub b: Player,
    pub playing: bool,
    /// Simulated time per wall-clock time, as the player's.
    pub speed: f64,
    /// Inputs of the base, to find the fork instant once loaded.
    base_inputs: usize,
}

impl ForkPair {
    /// Starts loading both sides (carried on by [`ForkPair::work`]), shown at `at` once loaded
    /// (the fork instant when `None`).
    pub fn new(spec: ForkSpec, at: Option<Micros>, speed: f64) -> ForkPair {
        let load = |side| {
            let mut p = Player::new();
            p.start(Action::Load(spec.side_text(side)));
            if let Some(t) = at {
                p.start(Action::Seek(t));
            }
            p
        };
        let (a, b) = (load(Side::A), load(Side::B));
        ForkPair {
            base_inputs: base_inputs(&spec.base),
            spec,
            a,
            b,
            playing: false,
            speed: speed.clamp(MIN_SPEED, MAX_SPEED),
        }
    }

    /// Loads both sides to the end at once (tests, the command line).
    pub fn loaded(spec: ForkSpec) -> ForkPair {
        let mut pair = ForkPair::new(spec, None, 1.0);
        while !pair.work(u64::MAX) {}
        pair
    }

    /// The side's player.
    pub fn side(&self, side: Side) -> &Player {
        match side {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    /// Whether either side still has work in progress (loading, a seek).
    pub fn busy(&self) -> bool {
        self.a.busy().is_some() || self.b.busy().is_some()
    }

    /// The instant on display (both sides show it once their work is done).
    pub fn cursor(&self) -> Micros {
        self.a.cursor.min(self.b.cursor)
    }

    /// The furthest instant either side has run to.
    pub fn horizon(&self) -> Micros {
        self.a.horizon().max(self.b.horizon())
    }

    /// The fork instant: when the sides' own lines ran (known once loaded).
    pub fn fork_at(&self) -> Micros {
        fork_instant(&self.spec, self.base_inputs, &self.a, &self.b)
    }

    /// What the viewer asked, applied to both sides alike: play, pause and the speed are the
    /// pair's; a tick moves both to the same instant; a typed line runs on both.
    pub fn start(&mut self, action: Action) {
        match action {
            Action::Play => self.playing = true,
            Action::Pause => self.playing = false,
            Action::TogglePlay => self.playing = !self.playing,
            Action::SetSpeed(s) => self.speed = s.clamp(MIN_SPEED, MAX_SPEED),
            Action::Tick(ms) => {
                // Ticks wait for work in progress, as one player's do.
                if self.playing && ms > 0.0 && !self.busy() {
                    let dt = Micros((ms * 1000.0 * self.speed).round() as u64);
                    let to = self.cursor() + dt;
                    self.a.start(Action::Seek(to));
                    self.b.start(Action::Seek(to));
                }
            }
            // Quiet time differs between the sides, so the pair plays at the set speed.
            Action::SetSkipQuiet(_) => {}
            other => {
                self.a.start(other.clone());
                self.b.start(other);
            }
        }
    }

    /// Carries both sides' work on, each for about half of `budget` events; whether both are
    /// done.
    pub fn work(&mut self, budget: u64) -> bool {
        let half = (budget / 2).max(1);
        let a = self.a.work(half);
        let b = self.b.work(half);
        a && b
    }

    /// Both sides' outcomes at the instant on display, and where they differ.
    pub fn outcomes(&self) -> (Outcome, Outcome, Vec<Difference>) {
        let since = self.fork_at();
        let of = |p: &Player| outcome(p.view(), &check(p.view()), since);
        let (a, b) = (of(&self.a), of(&self.b));
        let d = differences(&a, &b);
        (a, b, d)
    }
}
