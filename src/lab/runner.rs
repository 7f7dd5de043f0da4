//! The lab as sliced work: [`Lab::new`] lists the cells, [`Lab::work`] runs them for a bounded
//! number of simulator events per call (the page calls it once a frame), [`Lab::results`] has
//! the rows finished so far. However it is sliced, the figures are the same.

use serde::Serialize;

use crate::lab::measure;
use crate::lab::params::{LabParams, Mirrors};
use crate::lab::refusal::Refusal;
use crate::lab::scenario::{cell_text, Cell};
use crate::sim::scenario::session::{Loading, STEP_WEIGHT};

/// The figures of one mirror count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadRow {
    pub mirrors: Mirrors,
    /// Mirrors the policy gave on this cluster.
    pub mirror_count: u8,
    /// Messages the paced cell published and had confirmed.
    pub published: u64,
    pub confirmed: u64,
    /// Publish→confirm latency in the paced cell, µs.
    pub p50_us: Option<u64>,
    pub p99_us: Option<u64>,
    /// Confirms per second in the paced cell's publishing phase.
    pub paced_per_sec: f64,
    /// Confirms per second in the saturation cell (`None` until it has run).
    pub saturated_per_sec: Option<f64>,
    /// Cluster-network bytes and frames per published message (paced cell).
    pub wire_bytes_per_msg: f64,
    pub wire_frames_per_msg: f64,
    /// Per kind of frame: cluster-network frames and bytes per published message.
    pub wire_by_kind: Vec<(String, f64, f64)>,
    /// Every traced frame's bytes per published message, client links included.
    pub all_bytes_per_msg: f64,
    /// Messages held at the end, each replica counted (messages × replicas).
    pub held_messages: u64,
    /// Their bodies' bytes.
    pub held_bytes: u64,
    /// Held messages over the master's, in per cent (100 per copy).
    pub memory_pct: Option<f64>,
}

/// Time for a new mirror to synchronise with one batch size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncRow {
    pub batch: u32,
    /// The batch size the sync used: 3.10.8 takes a value of 1 or less as its default, 4096
    /// (`rabbit_mirror_queue_misc:sync_batch_size/1`).
    pub effective_batch: Option<u32>,
    pub messages: u32,
    /// `None` when the sync did not end within the cell's wait.
    pub micros: Option<u64>,
}

/// Time for the nodes to declare a cut-off peer down with one `net_ticktime`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectRow {
    pub ticktime_secs: u32,
    /// The first and the last node's detection after the cut, µs.
    pub first_us: Option<u64>,
    pub last_us: Option<u64>,
}

/// Everything measured so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LabResults {
    pub load: Vec<LoadRow>,
    pub sync: Vec<SyncRow>,
    pub detect: Vec<DetectRow>,
    /// Cells whose scenario failed to load (a bug of the lab: each is a generated text).
    pub errors: Vec<String>,
}

/// A lab run in progress.
#[derive(Debug)]
pub struct Lab {
    params: LabParams,
    cells: Vec<Cell>,
    next: usize,
    current: Option<Loading>,
    results: LabResults,
}

impl Lab {
    /// Checks the parameters (the message names the first one out of bounds) and lists the cells.
    pub fn new(params: LabParams) -> Result<Lab, Refusal> {
        params.check()?;
        let mut cells = Vec::new();
        for &m in &params.mirrors {
            cells.push(Cell::Paced(m));
            cells.push(Cell::Saturated(m));
        }
        cells.extend(params.batches.iter().map(|&b| Cell::Sync(b)));
        cells.extend(params.ticktimes.iter().map(|&t| Cell::Detect(t)));
        Ok(Lab {
            params,
            cells,
            next: 0,
            current: None,
            results: LabResults::default(),
        })
    }

    pub fn params(&self) -> &LabParams {
        &self.params
    }

    /// The experiments, in the order they run.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The scenario of cell `i`, to run with `mirrorscope run`.
    pub fn scenario(&self, i: usize) -> Option<String> {
        self.cells.get(i).map(|&c| cell_text(&self.params, c))
    }

    /// Cells finished, out of all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.cells.len())
    }

    pub fn results(&self) -> &LabResults {
        &self.results
    }

    /// Runs cells for about `budget` simulator events (a scenario line counts as
    /// `STEP_WEIGHT`); whether every cell is done. A call ends when a cell ends, so it never
    /// does much more than `budget` (the next call starts the next cell).
    pub fn work(&mut self, budget: u64) -> bool {
        let Some(&cell) = self.cells.get(self.next) else {
            return true;
        };
        let mut loading = match self.current.take() {
            Some(l) => l,
            None => match Loading::new(&cell_text(&self.params, cell)) {
                Ok(l) => l,
                Err(e) => {
                    self.results
                        .errors
                        .push(format!("{cell:?}: line {}: {}", e.line, e.message));
                    self.next += 1;
                    return self.next >= self.cells.len();
                }
            },
        };
        if loading.work(budget.max(STEP_WEIGHT)) {
            self.measure(cell, loading);
            self.next += 1;
        } else {
            self.current = Some(loading);
        }
        self.next >= self.cells.len()
    }

    fn measure(&mut self, cell: Cell, loading: Loading) {
        let session = loading.into_session();
        let sim = &session.run.sim;
        let p = &self.params;
        let size = u64::from(p.size);
        match cell {
            Cell::Paced(m) => {
                let lat = measure::confirm_latencies(sim);
                let published = measure::published(sim);
                let t = measure::traffic(sim, size, &p.cost);
                let held = measure::held_per_replica(sim);
                let total: u64 = held.iter().sum();
                let per = |x: u64| {
                    if published == 0 {
                        0.0
                    } else {
                        x as f64 / published as f64
                    }
                };
                self.results.load.push(LoadRow {
                    mirrors: m,
                    mirror_count: m.count(p.nodes),
                    published,
                    confirmed: lat.len() as u64,
                    p50_us: measure::quantile(&lat, 0.5),
                    p99_us: measure::quantile(&lat, 0.99),
                    paced_per_sec: measure::confirms_in_phase(sim, p.seconds) as f64
                        / f64::from(p.seconds),
                    saturated_per_sec: None,
                    wire_bytes_per_msg: per(t.wire_bytes),
                    wire_frames_per_msg: per(t.wire_frames),
                    wire_by_kind: t
                        .wire_by_kind
                        .iter()
                        .map(|&(k, f, b)| (k.to_string(), per(f), per(b)))
                        .collect(),
                    all_bytes_per_msg: per(t.all_bytes),
                    held_messages: total,
                    held_bytes: total * size,
                    memory_pct: held
                        .first()
                        .filter(|&&m| m > 0)
                        .map(|&master| total as f64 * 100.0 / master as f64),
                });
            }
            Cell::Saturated(m) => {
                let rate = measure::confirms_in_phase(sim, p.seconds) as f64 / f64::from(p.seconds);
                if let Some(row) = self.results.load.iter_mut().rev().find(|r| r.mirrors == m) {
                    row.saturated_per_sec = Some(rate);
                }
            }
            Cell::Sync(b) => self.results.sync.push(SyncRow {
                batch: b,
                effective_batch: measure::sync_batch(sim),
                messages: p.sync_messages,
                micros: measure::sync_time(sim),
            }),
            Cell::Detect(t) => {
                let d = measure::detection(sim);
                self.results.detect.push(DetectRow {
                    ticktime_secs: t,
                    first_us: d.map(|x| x.0),
                    last_us: d.map(|x| x.1),
                });
            }
        }
    }
}
