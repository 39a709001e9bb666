import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {FetchRecordError} from "@web/model/relational_model/errors";
import {Record} from "@web/model/relational_model/record";

// A new record of a governed model may wait for a second Integration
// Administrator's approval: the server then makes a change request and saves
// nothing, so the save returns no record to read back. That is no error for the
// person: say the addition waits and take the unsaved record off the screen.
patch(Record.prototype, {
    async _save(options = {}) {
        const creation = this.isNew;
        try {
            return await super._save(options);
        } catch (error) {
            if (!creation || !(error instanceof FetchRecordError)) {
                throw error;
            }
            this.model.notification.add(
                _t(
                    "Nothing is added until a second Integration Administrator approves " +
                        "the change request just made for it (Logistics > Configuration > " +
                        "Change Requests)."
                ),
                {title: _t("Addition waits for approval"), type: "warning"}
            );
            this._discard();
            if (!this.config.isRoot && this.model.root._removeRecords) {
                await this.model.root._removeRecords([this.id]);
            }
            return true;
        }
    },
});
