//! The add/update form's fields: one labelled control per definition key, each edit sent to
//! the form's reducer.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::i18n::panels::{button, target_checked, target_value, PanelText};
use crate::ui::panels::policies::form::{ExtraKey, PolicyForm, ValueType};

/// A change to the form; the reducer applies it to the latest form, so quick successive
/// edits never overwrite each other.
pub struct FormEdit(pub Box<dyn FnOnce(&mut PolicyForm)>);

impl Reducible for PolicyForm {
    type Action = FormEdit;

    fn reduce(self: Rc<Self>, edit: FormEdit) -> Rc<Self> {
        let mut f = (*self).clone();
        (edit.0)(&mut f);
        Rc::new(f)
    }
}

/// The form as the component holds it.
pub type FormHandle = UseReducerHandle<PolicyForm>;

/// A callback for an `input`/`change` event that stores the element's value with `set`.
fn on_value<E: AsRef<Event> + 'static>(
    form: &FormHandle,
    set: fn(&mut PolicyForm, String),
) -> Callback<E> {
    let d = form.dispatcher();
    Callback::from(move |e: E| {
        let v = target_value(e.as_ref());
        d.dispatch(FormEdit(Box::new(move |f| set(f, v))));
    })
}

/// A `<select>` of fixed values plus "(not set)", bound to one form field.
#[inline(never)]
fn choice(
    form: &FormHandle,
    id: &str,
    value: &str,
    options: &[(&str, &str)],
    set: fn(&mut PolicyForm, String),
) -> Html {
    let opts: Html = options
        .iter()
        .map(|(v, label)| {
            html! { <option value={v.to_string()} selected={*v == value}>{ label.to_string() }</option> }
        })
        .collect();
    html! {
        <select id={id.to_string()} data-value={value.to_string()}
            aria-describedby={format!("{id}-help")} onchange={on_value::<Event>(form, set)}>
            { opts }
        </select>
    }
}

/// One labelled row of the form with its help text.
#[inline(never)]
fn row(id: &str, label: &str, control: Html, help: &str) -> Html {
    // Definition keys are shown as written in JSON, like code.
    let key = label.starts_with("ha-") || label.starts_with("queue-");
    html! {
        <div class="form-row">
            <label for={id.to_string()} class={classes!(key.then_some("key-label"))}>{ label.to_string() }</label>
            <div class="form-control">
                { control }
                if !help.is_empty() {
                    <small class="help" id={format!("{id}-help")}>{ help.to_string() }</small>
                }
            </div>
        </div>
    }
}

#[inline(never)]
fn text_input(
    form: &FormHandle,
    id: &str,
    value: &str,
    set: fn(&mut PolicyForm, String),
    required: bool,
    numeric: bool,
) -> Html {
    html! {
        <input id={id.to_string()} type="text" value={value.to_string()}
            required={required} aria-required={required.then_some("true")}
            inputmode={numeric.then_some("numeric")}
            aria-describedby={format!("{id}-help")} autocomplete="off" spellcheck="false"
            oninput={on_value::<InputEvent>(form, set)} />
    }
}

/// Every field of the add/update form.
#[inline(never)]
pub fn policy_form(
    form: &FormHandle,
    t: &PanelText,
    id: &str,
    nodes: &[String],
    vhosts: &[String],
) -> Html {
    let f: &PolicyForm = form;
    let fid = |s: &str| format!("{id}{s}");
    let unset = t.unset;

    let vhost_opts: Vec<(&str, &str)> = vhosts.iter().map(|v| (v.as_str(), v.as_str())).collect();
    let kind = {
        let d = form.dispatcher();
        let onchange = Callback::from(move |e: Event| {
            let op = target_value(&e) == "operator";
            d.dispatch(FormEdit(Box::new(move |f| f.operator = op)));
        });
        let v = if f.operator { "operator" } else { "user" };
        html! {
            <select id={fid("kind")} data-value={v} {onchange}>
                <option value="user" selected={!f.operator}>{ t.kind_user }</option>
                <option value="operator" selected={f.operator}>{ t.kind_operator }</option>
            </select>
        }
    };

    let ha_params = match f.ha_mode.as_str() {
        "exactly" => row(
            &fid("params"),
            "ha-params",
            text_input(
                form,
                &fid("params"),
                &f.ha_params_count,
                |f, v| f.ha_params_count = v,
                false,
                true,
            ),
            t.help_ha_params,
        ),
        "nodes" => {
            let boxes: Html = nodes
                .iter()
                .map(|n| {
                    let d = form.dispatcher();
                    let name = n.clone();
                    let onchange = Callback::from(move |e: Event| {
                        let on = target_checked(&e);
                        let name = name.clone();
                        d.dispatch(FormEdit(Box::new(move |f| {
                            f.ha_nodes.retain(|x| *x != name);
                            if on {
                                f.ha_nodes.push(name);
                            }
                        })));
                    });
                    html! {
                        <label class="check">
                            <input type="checkbox" checked={f.ha_nodes.contains(n)} {onchange} />
                            { n.clone() }
                        </label>
                    }
                })
                .collect();
            html! {
                <fieldset class="form-row node-picker" aria-describedby={format!("{}-help", fid("params"))}>
                    <legend class="key-label">{ "ha-params" }</legend>
                    <div class="form-control">
                        <div class="checks">{ boxes }</div>
                        <label class="sub-label">
                            <span>{ t.other_nodes }</span>
                            <input type="text" value={f.ha_nodes_extra.clone()} autocomplete="off"
                                spellcheck="false" placeholder="rabbit@node4"
                                oninput={on_value::<InputEvent>(form, |f, v| f.ha_nodes_extra = v)} />
                        </label>
                        <small class="help" id={format!("{}-help", fid("params"))}>
                            { t.help_ha_params }{ " " }{ t.help_ha_params_nodes }
                        </small>
                    </div>
                </fieldset>
            }
        }
        "all" => html! {
            <div class="form-row"><span class="label-like key-label">{ "ha-params" }</span>
                <div class="form-control"><small class="help">{ t.help_ha_params_all }</small></div></div>
        },
        _ => html! {},
    };

    let extras: Html = f
        .extra
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let d = form.dispatcher();
            let set_key = {
                let d = d.clone();
                Callback::from(move |ev: InputEvent| {
                    let v = target_value(&ev);
                    d.dispatch(FormEdit(Box::new(move |f| {
                        if let Some(x) = f.extra.get_mut(i) {
                            x.key = v;
                        }
                    })));
                })
            };
            let set_value = {
                let d = d.clone();
                Callback::from(move |ev: Event| {
                    let v = target_value(&ev);
                    d.dispatch(FormEdit(Box::new(move |f| {
                        if let Some(x) = f.extra.get_mut(i) {
                            x.value = v;
                        }
                    })));
                })
            };
            let set_type = {
                let d = d.clone();
                Callback::from(move |ev: Event| {
                    let ty = target_value(&ev)
                        .parse::<usize>()
                        .ok()
                        .and_then(|k| ValueType::ALL.get(k).copied())
                        .unwrap_or_default();
                    d.dispatch(FormEdit(Box::new(move |f| {
                        if let Some(x) = f.extra.get_mut(i) {
                            x.ty = ty;
                        }
                    })));
                })
            };
            let remove = Callback::from(move |_: MouseEvent| {
                d.dispatch(FormEdit(Box::new(move |f| {
                    if i < f.extra.len() {
                        f.extra.remove(i);
                    }
                })))
            });
            let n = (i + 1).to_string();
            let value_input = if e.ty == ValueType::Boolean {
                let v = if e.value == "false" { "false" } else { "true" };
                html! {
                    <select aria-label={format!("{} {n}", t.value)} data-value={v} onchange={set_value}>
                        <option value="true" selected={v == "true"}>{ "true" }</option>
                        <option value="false" selected={v == "false"}>{ "false" }</option>
                    </select>
                }
            } else {
                let set_value = set_value.reform(|e: InputEvent| -> Event { e.into() });
                html! {
                    <input type="text" aria-label={format!("{} {n}", t.value)} value={e.value.clone()}
                        autocomplete="off" spellcheck="false" oninput={set_value} />
                }
            };
            let types: Html = ValueType::ALL
                .iter()
                .enumerate()
                .map(|(k, ty)| html! {
                    <option value={k.to_string()} selected={*ty == e.ty}>{ t.types[k] }</option>
                })
                .collect();
            html! {
                <div class="extra-row">
                    <input type="text" aria-label={format!("{} {n}", t.key)} value={e.key.clone()}
                        autocomplete="off" spellcheck="false" placeholder="max-length" oninput={set_key} />
                    <span aria-hidden="true">{ "=" }</span>
                    { value_input }
                    <select aria-label={format!("{} {n}", t.value_type)} data-value={e.ty.index().to_string()}
                        onchange={set_type}>{ types }</select>
                    <button type="button" class="btn btn-small" onclick={remove}
                        aria-label={format!("{} {n}", t.remove_key)}>{ "×" }</button>
                </div>
            }
        })
        .collect();
    let add_key = {
        let d = form.dispatcher();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(FormEdit(Box::new(|f| f.extra.push(ExtraKey::default()))))
        })
    };

    let req = |label: &str| format!("{label} *");
    html! {
        <>
            { row(&fid("kind"), t.form_kind, kind, "") }
            if vhosts.len() > 1 {
                { row(&fid("vhost"), t.col_vhost, choice(form, &fid("vhost"), &f.vhost, &vhost_opts, |f, v| f.vhost = v), "") }
            }
            { row(&fid("name"), &req(t.col_name),
                text_input(form, &fid("name"), &f.name, |f, v| f.name = v, true, false), "") }
            { row(&fid("pattern"), &req(t.col_pattern),
                text_input(form, &fid("pattern"), &f.pattern, |f, v| f.pattern = v, true, false), t.help_pattern) }
            { row(&fid("apply"), t.col_apply_to, choice(form, &fid("apply"), &f.apply_to,
                &[("all", t.apply_all), ("exchanges", t.apply_exchanges), ("queues", t.apply_queues)],
                |f, v| f.apply_to = v), "") }
            { row(&fid("priority"), t.col_priority,
                text_input(form, &fid("priority"), &f.priority, |f, v| f.priority = v, false, true), t.help_priority) }
            { row(&fid("mode"), "ha-mode", choice(form, &fid("mode"), &f.ha_mode,
                &[("", unset), ("all", "all"), ("exactly", "exactly"), ("nodes", "nodes")],
                |f, v| f.ha_mode = v), t.help_ha_mode) }
            { ha_params }
            { row(&fid("sync"), "ha-sync-mode", choice(form, &fid("sync"), &f.ha_sync_mode,
                &[("", unset), ("manual", "manual"), ("automatic", "automatic")],
                |f, v| f.ha_sync_mode = v), t.help_sync_mode) }
            { row(&fid("batch"), "ha-sync-batch-size",
                text_input(form, &fid("batch"), &f.ha_sync_batch_size, |f, v| f.ha_sync_batch_size = v, false, true),
                t.help_batch) }
            { row(&fid("shutdown"), "ha-promote-on-shutdown", choice(form, &fid("shutdown"), &f.ha_promote_on_shutdown,
                &[("", unset), ("when-synced", "when-synced"), ("always", "always")],
                |f, v| f.ha_promote_on_shutdown = v), t.help_promote_shutdown) }
            { row(&fid("failure"), "ha-promote-on-failure", choice(form, &fid("failure"), &f.ha_promote_on_failure,
                &[("", unset), ("always", "always"), ("when-synced", "when-synced")],
                |f, v| f.ha_promote_on_failure = v), t.help_promote_failure) }
            { row(&fid("locator"), "queue-master-locator", choice(form, &fid("locator"), &f.queue_master_locator,
                &[("", unset), ("client-local", "client-local"), ("min-masters", "min-masters"), ("random", "random")],
                |f, v| f.queue_master_locator = v), t.help_locator) }
            <fieldset class="form-row extras">
                <legend>{ t.other_keys }</legend>
                <div class="form-control">
                    { extras }
                    { button(&format!("+ {}", t.add_key), None, "btn btn-small", add_key) }
                </div>
            </fieldset>
        </>
    }
}
