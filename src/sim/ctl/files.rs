//! The shell's few file commands on a node: `echo` (bash's builtin, with `-n` and `-e`),
//! `cat` of the node's `/etc/rabbitmq/rabbitmq.conf`, and `>`/`>>` sending a command's output
//! into that file (or `/dev/null`). The file takes effect when the node's VM next starts
//! (`node_conf`).

use crate::sim::ctl::block::Redirect;
use crate::sim::ctl::output::CtlOutput;
use crate::sim::engine::Sim;
use crate::sim::rabbitmq_conf::CONF_PATH;

/// What `echo` writes, trailing newline included (none with `-n`).
pub fn echo_text(words: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 1;
    // bash takes leading words made only of n, e, E after a dash as options.
    while let Some(w) = words.get(i) {
        let opts = w
            .strip_prefix('-')
            .filter(|o| !o.is_empty() && o.chars().all(|c| matches!(c, 'n' | 'e' | 'E')));
        let Some(opts) = opts else { break };
        for c in opts.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut out = words[i.min(words.len())..].join(" ");
    if escapes {
        out = out
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
    }
    if newline {
        out.push('\n');
    }
    out
}

/// `echo …` on the screen.
pub fn echo(words: &[String]) -> CtlOutput {
    let text = echo_text(words);
    CtlOutput::ok(text.strip_suffix('\n').unwrap_or(&text))
}

/// `cat FILE…`: the node's configuration file (or nothing for `/dev/null`).
pub fn cat(sim: &Sim, on_node: usize, words: &[String]) -> CtlOutput {
    let mut out = String::new();
    let mut errors = Vec::new();
    if words.len() < 2 {
        return CtlOutput {
            output: "cat: the playground's shell has no input to read: name a file, e.g. cat /etc/rabbitmq/rabbitmq.conf".into(),
            exit_code: 1,
        };
    }
    for path in &words[1..] {
        if path == "/dev/null" {
            continue;
        }
        if !is_conf(path) {
            errors.push(format!(
                "cat: {path}: the playground's node has only {CONF_PATH} to read"
            ));
            continue;
        }
        match sim.conf_file(on_node) {
            Some(text) => out.push_str(text),
            None => errors.push(format!("cat: {path}: No such file or directory")),
        }
    }
    // cat writes the file as it is; the console shows it without the last newline.
    let mut output = out.strip_suffix('\n').unwrap_or(&out).to_string();
    for e in &errors {
        if !output.is_empty() {
            output.push('\n');
        }
        output.push_str(e);
    }
    CtlOutput {
        output,
        exit_code: if errors.is_empty() { 0 } else { 1 },
    }
}

/// The node's configuration file, by its full path or from `/etc/rabbitmq`'s neighbours.
fn is_conf(path: &str) -> bool {
    path == CONF_PATH || path == "/etc/rabbitmq//rabbitmq.conf"
}

/// Whether `redirect` names a file the shell can write; else bash's refusal.
pub fn check_target(redirect: &Redirect) -> Result<(), CtlOutput> {
    let path = redirect.path.as_str();
    if path == "/dev/null" || is_conf(path) {
        Ok(())
    } else {
        Err(CtlOutput {
            output: format!(
                "bash: {path}: the playground's shell writes only {CONF_PATH} (and /dev/null)"
            ),
            exit_code: 1,
        })
    }
}

/// Puts a command's output (`text`, newline included, and its exit code) into the file.
pub fn write_output(
    sim: &mut Sim,
    on_node: usize,
    text: &str,
    exit_code: i32,
    redirect: &Redirect,
) -> CtlOutput {
    if redirect.path == "/dev/null" {
        return CtlOutput {
            output: String::new(),
            exit_code,
        };
    }
    match sim.write_conf(on_node, text, redirect.append) {
        Ok(()) => CtlOutput {
            output: String::new(),
            exit_code,
        },
        Err(e) => CtlOutput {
            output: format!("bash: {e}"),
            exit_code: 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn echo_as_bash() {
        assert_eq!(echo_text(&w(&["echo", "a", "b"])), "a b\n");
        assert_eq!(echo_text(&w(&["echo", "-n", "a"])), "a");
        assert_eq!(echo_text(&w(&["echo", "-e", "a\\tb"])), "a\tb\n");
        assert_eq!(echo_text(&w(&["echo", "-x", "a"])), "-x a\n");
        assert_eq!(echo_text(&w(&["echo"])), "\n");
        assert_eq!(
            echo(&w(&["echo", "镜像策略配置完成"])).output,
            "镜像策略配置完成"
        );
    }
}
