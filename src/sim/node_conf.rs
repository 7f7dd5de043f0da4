//! Each node's `/etc/rabbitmq/rabbitmq.conf` in the run: the file the node's shell writes
//! (`echo … >> …`) and reads (`cat`), and the settings its Erlang VM takes from it when it
//! starts, as a real node reads its configuration only at boot (`rabbitmq_conf` reads the
//! format).

use crate::sim::engine::Sim;
use crate::sim::rabbitmq_conf::{settings_from, NodeSettings, CONF_PATH, MAX_CONF_BYTES};
use crate::sim::time::Micros;

impl Sim {
    /// The settings in force on node `n`.
    pub fn settings(&self, n: usize) -> &NodeSettings {
        &self.confs[n].in_force
    }

    /// Node `n`'s configuration file (`None`: it does not exist).
    pub fn conf_file(&self, n: usize) -> Option<&str> {
        self.confs[n].file.as_deref()
    }

    /// Writes (`>`) or appends (`>>`) to node `n`'s configuration file. It takes effect when the
    /// node's VM next starts.
    pub fn write_conf(&mut self, n: usize, text: &str, append: bool) -> Result<(), String> {
        let file = &mut self.confs[n].file;
        let kept = if append {
            file.as_deref().unwrap_or_default().len()
        } else {
            0
        };
        if kept + text.len() > MAX_CONF_BYTES {
            return Err(format!(
                "write error: No space left on device (the playground keeps {CONF_PATH} under {} KiB)",
                MAX_CONF_BYTES / 1024
            ));
        }
        match file {
            Some(f) if append => f.push_str(text),
            _ => *file = Some(text.to_string()),
        }
        Ok(())
    }

    /// What a VM that starts reads: node `n`'s file becomes the settings in force, or the node
    /// does not start.
    pub(crate) fn read_conf_on_boot(&mut self, n: usize) -> Result<(), String> {
        let settings = settings_from(self.confs[n].file.as_deref())?;
        self.confs[n].in_force = settings;
        Ok(())
    }

    /// The `net_ticktime` that detects a partition: the simulator declares the sides down at
    /// one moment, when the member with the shortest ticktime gives up on its peers.
    pub fn net_ticktime_in_force(&self) -> Micros {
        self.cluster
            .members()
            .map(|n| self.settings(n).net_ticktime)
            .min()
            .unwrap_or(self.config.net_ticktime)
    }
}
