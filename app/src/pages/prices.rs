//! `/prices`: price versions. Finance and operator admins read them; operator
//! admins add a version for this month or a later one (past months never change).

use crate::api::prices::{AddPrice, PriceVersion, list_prices};
use crate::components::ui;
use crate::components::{CurrentUserCtx, DataTable, ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::{Plan, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/prices`. See [`super`] for why pages create their data in `view`.
pub struct PricesPage;

#[lazy_route]
impl LazyRoute for PricesPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let add = ServerAction::<AddPrice>::new();
        let prices = Resource::new(move || add.version().get(), |_| list_prices());
        let user = expect_context::<CurrentUserCtx>().0;
        view! {
            <Title text="Prices · Trust Portal" />
            <h1 class=ui::H1>"Prices"</h1>
            <p class="mb-4 text-sm text-slate-700">
                "Unit prices per plan and event type, as versions: an invoice uses the version in effect at the start of its month. Amounts are exact micro-dollars; each invoice line is rounded once to cents, half-up."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let can_add = matches!(user.await, Ok(Some(u)) if u.role == Role::OperatorAdmin);
                    match prices.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) => view! {
                            <div class="space-y-6">
                                {can_add.then(|| view! { <AddPriceForm action=add /> })}
                                <PriceTable list />
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn AddPriceForm(action: ServerAction<AddPrice>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="new-price">
            <h2 id="new-price" class="mb-3 text-lg font-semibold">"New price version"</h2>
            <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-5 sm:items-end">
                <div>
                    <label for="price-plan" class=ui::LABEL>"Plan"</label>
                    <select id="price-plan" name="plan" class=ui::INPUT>
                        {Plan::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="price-event" class=ui::LABEL>"Event"</label>
                    <select id="price-event" name="event" class=ui::INPUT>
                        <option value="attestation.verify">"attestation.verify"</option>
                        <option value="portal.download">"portal.download"</option>
                    </select>
                </div>
                <div>
                    <label for="price-amount" class=ui::LABEL>"Price per unit (USD)"</label>
                    <input id="price-amount" name="price" required placeholder="0.0025" inputmode="decimal" class=ui::INPUT />
                </div>
                <div>
                    <label for="price-from" class=ui::LABEL>"From month"</label>
                    <input id="price-from" name="from" type="month" required class=ui::INPUT />
                </div>
                <button type="submit" class=ui::BUTTON>"Add version"</button>
            </ActionForm>
            <div class="mt-3">{action_feedback(action, "Price version added.")}</div>
        </section>
    }
}

#[component]
fn PriceTable(list: Vec<PriceVersion>) -> impl IntoView {
    view! {
        <DataTable caption="Price versions" headers=&["Plan", "Event", "Price per unit", "From", "Added by"]>
            {list.into_iter().map(|p| view! {
                <tr data-testid="price-row">
                    <td class=ui::TD>{p.plan}</td>
                    <td class=ui::TD><code>{p.event}</code></td>
                    <td class=ui::TD>{p.unit_price.to_string()}</td>
                    <td class=ui::TD>{p.from}</td>
                    <td class=ui::TD>{p.added_by}</td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
}
