import {registry} from "@web/core/registry";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {KanbanController} from "@web/views/kanban/kanban_controller";
import {useSubEnv} from "@odoo/owl";

/**
 * The Overview is a dashboard: every card is on one screen, so it has neither a
 * search bar nor a pager; its header buttons switch the time window.
 */
export class LogisticsOverviewController extends KanbanController {
    setup() {
        super.setup();
        useSubEnv({config: {...this.env.config, pagerProps: {total: 0}}});
    }
}

registry.category("views").add("logistics_overview_kanban", {
    ...kanbanView,
    Controller: LogisticsOverviewController,
    display: {controlPanel: {layoutActions: false}},
});
