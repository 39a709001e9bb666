import {registry} from "@web/core/registry";
import {WebClientWalk, appMenus, menusLoaded} from "./utils/web_client_walk";

const APP = "logistics_integration.menu_logistics_root";
let walk = null;

// One step per menu of the menu tree the web client loaded for the user running
// the tour: whatever a role is shown is opened, new menus included.
registry.category("web_tour.tours").add("logistics_role_menus", {
    wait_for: menusLoaded,
    steps: () => {
        const menus = appMenus(APP);
        return [
            {
                content: "The Logistics app is shown",
                trigger: ".o_main_navbar",
                run() {
                    if (!menus.length) {
                        throw new Error(`The app ${APP} is not shown to this user`);
                    }
                    walk = new WebClientWalk();
                },
            },
            ...menus.map(({id, path}) => ({
                content: `Open ${path}, each view of its action and its newest record`,
                trigger: ".o_main_navbar",
                timeout: 60000,
                async run() {
                    await walk.do(path, () => walk.services.menu.selectMenu(id));
                    await walk.exploreAction(path);
                },
            })),
            {
                content: "Every menu was opened",
                trigger: ".o_main_navbar",
                run() {
                    walk.stop();
                    console.log(`Role walk: ${menus.length} menus opened`);
                },
            },
        ];
    },
});
