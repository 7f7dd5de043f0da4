//! RabbitMQ's own verdict on the form, as `rabbitmqctl set_policy` would give it, and the
//! result of the line last applied from the panel.

use yew::prelude::*;

use crate::sim::policy::definition::ValidatedPolicy;
use crate::sim::policy::validate::parse_set;
use crate::sim::scenario::player::ConsoleEntry;
use crate::ui::i18n::panels::{fill, PanelText};
use crate::ui::panels::policies::form::PolicyForm;

impl PolicyForm {
    /// RabbitMQ's verdict: the policy as it would be stored, or the text after `Error:`.
    pub fn validate(&self) -> Result<ValidatedPolicy, String> {
        parse_set(
            self.kind(),
            &self.name,
            &self.pattern,
            &self.definition_json(),
            self.priority_or_default(),
            &self.apply_to,
        )
    }
}

/// The verdict under the generated line: a missing required field first, then RabbitMQ's.
/// `past_limit` names the queues the pattern is too costly to match (it would never apply to
/// them), which RabbitMQ accepts without a word.
pub fn verdict_html(
    t: &PanelText,
    verdict: &Result<ValidatedPolicy, String>,
    missing_name: bool,
    missing_pattern: bool,
    past_limit: &[String],
) -> Html {
    match (verdict, missing_name, missing_pattern) {
        (_, true, _) | (_, _, true) => html! {
            <p class="form-error" role="status">
                { if missing_name { t.missing_name } else { t.missing_pattern } }
            </p>
        },
        (Ok(_), ..) if !past_limit.is_empty() => html! {
            <>
                <p class="form-ok" role="status">{ "✓ " }{ t.validation_ok }</p>
                <p class="form-error match-limit" role="status" data-testid="match-limit">
                    { "⚠ " }
                    { fill(t.match_limit, &[
                        ("n", &past_limit.len().to_string()),
                        ("names", &past_limit.iter().take(3).map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")),
                    ]) }
                </p>
            </>
        },
        (Ok(_), ..) => html! { <p class="form-ok" role="status">{ "✓ " }{ t.validation_ok }</p> },
        (Err(e), ..) => html! {
            <pre class="form-error rabbit-error" role="alert">{ format!("Error:\n{}", e.trim_end()) }</pre>
        },
    }
}

/// What the line last applied or deleted from the panel answered.
pub fn last_result(t: &PanelText, last: Option<ConsoleEntry>) -> Html {
    match last {
        Some(e) => {
            let ok = e.exit_code == 0;
            html! {
                <div class={classes!("last-result", (!ok).then_some("last-failed"))} role="status">
                    <strong>{ t.last_result }{ ": " }</strong>
                    { if ok { t.result_ok } else { t.result_failed } }
                    { " · " }{ fill(t.exit_status, &[("code", &e.exit_code.to_string())]) }
                    <pre>{ e.output.clone() }</pre>
                </div>
            }
        }
        None => html! {},
    }
}
