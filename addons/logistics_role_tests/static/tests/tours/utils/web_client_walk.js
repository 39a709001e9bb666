import {App} from "@odoo/owl";
import {rpcBus} from "@web/core/network/rpc";

let menusData = null;
/** Resolved once the web client has the user's menus (backend pages only). */
export const menusLoaded = odoo.loadMenusPromise?.then((menus) => {
    menusData = menus;
});

/**
 * The menus with an action under the app ``xmlid`` that the current user is shown,
 * from the menu tree the web client loaded for them, as ``{id, path}`` in menu order;
 * empty while that tree is not loaded or the app is not shown.
 */
export function appMenus(xmlid) {
    const app =
        menusData &&
        menusData.root.children.map((id) => menusData[id]).find((menu) => menu.xmlid === xmlid);
    const leaves = [];
    const visit = (menu, path) => {
        const here = [...path, menu.name];
        if (menu.actionID) {
            leaves.push({id: menu.id, path: here.join(" / ")});
        }
        for (const child of menu.children) {
            visit(menusData[child], here);
        }
    };
    if (app) {
        visit(app, []);
    }
    return leaves;
}

const SETTLE_TIMEOUT_MS = 20000;
const POLL_MS = 50;
// Quiet polls in a row before a screen counts as loaded: an action that opens
// another one, or a view that loads its data in a second request, is not done
// between two polls.
const QUIET_POLLS = 4;

/**
 * Drives the web client through its services the way a person's clicks do, and
 * waits until each screen has finished loading. Any failed request, error dialog
 * or screen that never settles fails the walk with the name of what was open.
 */
export class WebClientWalk {
    constructor() {
        this.env = odoo.__WOWL_DEBUG__.root.env;
        this.pending = new Map();
        this.failures = [];
        this._onRequest = ({detail}) => this.pending.set(detail.data.id, detail.url);
        this._onResponse = ({detail}) => {
            const url = this.pending.get(detail.data.id);
            this.pending.delete(detail.data.id);
            if (detail.error) {
                const {message, data} = detail.error;
                this.failures.push(`${url}: ${(data && data.message) || message}`);
            }
        };
        rpcBus.addEventListener("RPC:REQUEST", this._onRequest);
        rpcBus.addEventListener("RPC:RESPONSE", this._onResponse);
    }

    stop() {
        rpcBus.removeEventListener("RPC:REQUEST", this._onRequest);
        rpcBus.removeEventListener("RPC:RESPONSE", this._onResponse);
    }

    get services() {
        return this.env.services;
    }

    /** Runs ``step`` (an async function) as ``what``, then waits for the screen. */
    async do(what, step) {
        console.log(`Role walk: ${what}`);
        try {
            await step();
        } catch (error) {
            this.fail(what, (error && error.data && error.data.message) || error);
        }
        await this.settle(what);
    }

    async settle(what) {
        const deadline = Date.now() + SETTLE_TIMEOUT_MS;
        let quiet = 0;
        while (quiet < QUIET_POLLS) {
            this.check(what);
            if (Date.now() > deadline) {
                const waiting = [...this.pending.values()].join(", ");
                this.fail(what, `still loading after ${SETTLE_TIMEOUT_MS} ms ${waiting}`);
            }
            quiet = this.isBusy() ? 0 : quiet + 1;
            await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        this.check(what);
    }

    isBusy() {
        const rendering = [...App.apps].some((app) => app.scheduler.tasks.size);
        return this.pending.size > 0 || rendering || Boolean(document.querySelector(".o_blockUI"));
    }

    check(what) {
        const dialog = document.querySelector(".o_error_dialog");
        if (dialog) {
            const title = dialog.closest(".modal-content")?.querySelector(".modal-title");
            this.fail(what, `${title ? title.textContent : "error dialog"}: ${dialog.innerText}`);
        }
        if (this.failures.length) {
            this.fail(what, this.failures.join("\n"));
        }
    }

    fail(what, reason) {
        this.stop();
        throw new Error(`${what}: ${reason}`);
    }

    get controller() {
        return this.services.action.currentController;
    }

    /**
     * After an action opened as ``label``: each of its other multi-record views,
     * then its newest record in its form view (the test's own data, when it made some);
     * an action opened in a dialog is closed again.
     */
    async exploreAction(label) {
        if (document.querySelector(".o_dialog")) {
            // A wizard: it opened and loaded; close it as its Close button would.
            await this.do(`${label} (close)`, () =>
                this.services.action.doAction({type: "ir.actions.act_window_close"})
            );
            return;
        }
        const controller = this.controller;
        if (controller.action.type !== "ir.actions.act_window" || !controller.view.multiRecord) {
            return;
        }
        const {resModel, domain, context} = controller.props;
        for (const view of controller.views) {
            if (view.multiRecord && view.type !== controller.view.type) {
                await this.do(`${label} (${view.type} view)`, () =>
                    this.services.action.switchView(view.type)
                );
            }
        }
        if (!controller.views.some((view) => view.type === "form")) {
            return;
        }
        let resId = null;
        await this.do(`${label} (newest record)`, async () => {
            [resId] = await this.services.orm.search(resModel, domain, {
                limit: 1,
                order: "id desc",
                context,
            });
            if (resId) {
                await this.services.action.switchView("form", {resId});
            }
        });
        if (resId) {
            await this.openSmartButtons(`${label} (newest record)`);
        }
    }

    /** Each smart button of the open form: they only lead to related records. */
    async openSmartButtons(label) {
        const form = this.controller.jsId;
        const buttons = () => [...document.querySelectorAll(".o_form_view .oe_stat_button")];
        const names = buttons().map((button) => button.innerText.replace(/\s+/g, " ").trim());
        for (const [index, name] of names.entries()) {
            await this.do(`${label} / ${name}`, () => buttons()[index].click());
            if (this.controller.jsId !== form) {
                await this.do(`Back to ${label}`, () => this.services.action.restore(form));
            }
        }
    }
}
