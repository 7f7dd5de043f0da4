//! Seed 004 §6.1's table (单节点 vs 镜像队列性能对比) and the comparison of each of its figures
//! with what the lab measured: the verdicts are computed from the figures, never written in.

use serde::Serialize;

use crate::lab::params::Mirrors;

/// One column of the seed's table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeedColumn {
    /// The seed's heading, as written.
    pub heading: &'static str,
    /// The mirror count the heading means.
    pub mirrors: Mirrors,
    pub throughput_pct: f64,
    pub latency_ms: f64,
    pub memory_pct: f64,
    /// 网络流量: 低 1, 中 2, 高 3, 很高 4.
    pub traffic_level: u8,
    /// The word the seed uses for it.
    pub traffic_word: &'static str,
    pub availability_pct: f64,
}

/// The seed's four columns.
pub const SEED_TABLE: [SeedColumn; 4] = [
    SeedColumn {
        heading: "单节点队列",
        mirrors: Mirrors::Exactly(0),
        throughput_pct: 100.0,
        latency_ms: 1.0,
        memory_pct: 100.0,
        traffic_level: 1,
        traffic_word: "低",
        availability_pct: 60.0,
    },
    SeedColumn {
        heading: "2节点镜像",
        mirrors: Mirrors::Exactly(1),
        throughput_pct: 70.0,
        latency_ms: 3.0,
        memory_pct: 200.0,
        traffic_level: 2,
        traffic_word: "中",
        availability_pct: 95.0,
    },
    SeedColumn {
        heading: "3节点镜像",
        mirrors: Mirrors::Exactly(2),
        throughput_pct: 50.0,
        latency_ms: 5.0,
        memory_pct: 300.0,
        traffic_level: 3,
        traffic_word: "高",
        availability_pct: 99.0,
    },
    SeedColumn {
        heading: "全节点镜像",
        mirrors: Mirrors::All,
        throughput_pct: 30.0,
        latency_ms: 8.0,
        memory_pct: 400.0,
        traffic_level: 4,
        traffic_word: "很高",
        availability_pct: 99.9,
    },
];

/// The seed's column for a mirror count, if it has one.
pub fn seed_column(m: Mirrors) -> Option<&'static SeedColumn> {
    SEED_TABLE.iter().find(|c| c.mirrors == m)
}

/// Which figure of the table a verdict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Figure {
    /// Saturation throughput as a share of the unmirrored queue's.
    Throughput,
    /// Median publish→confirm latency, ms.
    Latency,
    /// Messages held by all replicas as a share of the master's.
    Memory,
    /// Bytes on the cluster's network per message, as a multiple of the unmirrored queue's.
    Traffic,
}

/// The seed's figure beside the measured one, and whether they agree.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Verdict {
    pub figure: Figure,
    pub seed: f64,
    pub measured: f64,
    /// Within the tolerance of the figure (10 points for shares, 30 % for latency); for
    /// traffic: the measured figure ranks as the seed's word does (above the previous column).
    pub agrees: bool,
}

/// Points two percentages may differ by and still agree.
pub const SHARE_TOLERANCE: f64 = 10.0;
/// Relative difference two latencies may have and still agree.
pub const LATENCY_TOLERANCE: f64 = 0.3;

impl Verdict {
    /// Compares a share (throughput, memory) in per cent.
    pub fn share(figure: Figure, seed: f64, measured: f64) -> Verdict {
        Verdict {
            figure,
            seed,
            measured,
            agrees: (seed - measured).abs() <= SHARE_TOLERANCE,
        }
    }

    pub fn latency(seed: f64, measured: f64) -> Verdict {
        Verdict {
            figure: Figure::Latency,
            seed,
            measured,
            agrees: (measured - seed).abs() <= LATENCY_TOLERANCE * seed,
        }
    }

    /// `measured` is a multiple of the unmirrored queue's traffic; `above_previous` whether it
    /// is above the previous column's, as the seed's words (低 < 中 < 高 < 很高) say.
    pub fn traffic(level: u8, measured: f64, above_previous: bool) -> Verdict {
        Verdict {
            figure: Figure::Traffic,
            seed: f64::from(level),
            measured,
            agrees: above_previous,
        }
    }

    /// The verdict in English, from its figures.
    pub fn describe_en(&self) -> String {
        let v = self;
        match v.figure {
            Figure::Throughput => {
                let d = v.measured - v.seed;
                if v.agrees {
                    format!("throughput {:.0}% of unmirrored: the seed's {:.0}% is right (within {SHARE_TOLERANCE:.0} points)", v.measured, v.seed)
                } else if d > 0.0 {
                    format!("throughput {:.0}% of unmirrored: the seed's {:.0}% overstates the cost by {:.0} points", v.measured, v.seed, d)
                } else {
                    format!("throughput {:.0}% of unmirrored: the seed's {:.0}% understates the cost by {:.0} points", v.measured, v.seed, -d)
                }
            }
            Figure::Latency => {
                let ratio = v.measured / v.seed;
                if v.agrees {
                    format!(
                        "p50 latency {:.2} ms: the seed's {:.0} ms is right (within {:.0}%)",
                        v.measured,
                        v.seed,
                        LATENCY_TOLERANCE * 100.0
                    )
                } else {
                    format!(
                        "p50 latency {:.2} ms: the seed's {:.0} ms is {:.1}× the measured figure",
                        v.measured,
                        v.seed,
                        1.0 / ratio
                    )
                }
            }
            Figure::Memory => {
                if v.agrees {
                    format!(
                        "memory {:.0}% of one copy: the seed's {:.0}% is right",
                        v.measured, v.seed
                    )
                } else {
                    format!(
                        "memory {:.0}% of one copy: the seed says {:.0}%",
                        v.measured, v.seed
                    )
                }
            }
            Figure::Traffic => {
                if v.seed <= 1.0 {
                    format!("network bytes per message: the unmirrored baseline (the seed's lowest level, {})", v.seed)
                } else if v.agrees {
                    format!("network bytes per message {:.1}× unmirrored: rises with the mirrors, as the seed's level {} says", v.measured, v.seed)
                } else {
                    format!("network bytes per message {:.1}× unmirrored: does not rise over the previous column, unlike the seed's level {}", v.measured, v.seed)
                }
            }
        }
    }
}
