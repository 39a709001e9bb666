import {registry} from "@web/core/registry";
import {WebClientWalk, appMenus, menusLoaded} from "./utils/web_client_walk";

const OVERVIEW_MENU = "Logistics / Overview";
const FIGURES = ".o_kanban_record a[name=action_open_figure]";
// A step may last a minute at most: the figures are opened in slices of this
// length, as many slices as the cards need.
const SLICE_MS = 40000;
const SLICES = 12;

let walk = null;
let overview = null;
let opened = 0;
let total = 0;

function figureLabel(link) {
    const card = link.closest(".o_kanban_record");
    const name = card.innerText.trim().split("\n")[0];
    return `Overview / ${name} / ${link.textContent.replace(/\s+/g, " ").trim()}`;
}

async function openFigure(index) {
    const link = document.querySelectorAll(FIGURES)[index];
    if (!link) {
        walk.fail(`Overview figure ${index + 1}`, "no longer shown");
    }
    const label = figureLabel(link);
    await walk.do(label, () => link.click());
    if (walk.controller.jsId === overview) {
        walk.fail(label, "opened nothing");
    }
    await walk.exploreAction(label);
    await walk.do("Back to the Overview", () => walk.services.action.restore(overview));
}

// Every figure link of every card the user is shown, read from the Overview itself.
registry.category("web_tour.tours").add("logistics_overview_figures", {
    wait_for: menusLoaded,
    steps: () => [
        {
            content: "Open the Overview from its menu",
            trigger: ".o_main_navbar",
            async run() {
                walk = new WebClientWalk();
                const [menu] = appMenus("logistics_integration.menu_logistics_root").filter(
                    ({path}) => path === OVERVIEW_MENU
                );
                if (!menu) {
                    walk.fail(OVERVIEW_MENU, "not shown to this user");
                }
                await walk.do(OVERVIEW_MENU, () => walk.services.menu.selectMenu(menu.id));
            },
        },
        {
            content: "The cards show their figures",
            trigger: FIGURES,
            run() {
                overview = walk.controller.jsId;
                total = document.querySelectorAll(FIGURES).length;
                opened = 0;
            },
        },
        ...Array.from({length: SLICES}, (_, slice) => ({
            content: `Open the next figures (slice ${slice + 1})`,
            trigger: ".o_main_navbar",
            timeout: 60000,
            async run() {
                const until = Date.now() + SLICE_MS;
                while (opened < total && Date.now() < until) {
                    await openFigure(opened++);
                }
            },
        })),
        {
            content: "Every figure was opened",
            trigger: ".o_main_navbar",
            run() {
                if (opened < total) {
                    walk.fail("Overview", `only ${opened} of ${total} figures opened in time`);
                }
                walk.stop();
                console.log(`Role walk: ${total} Overview figures opened`);
            },
        },
    ],
});
