import {FloatField, floatField} from "@web/views/fields/float/float_field";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

/**
 * A threshold where 0 means "no threshold": shown empty (or a dash when read
 * only) rather than 0.00, and emptied to 0.
 */
export class ThresholdField extends FloatField {
    get formattedValue() {
        if (!this.value) {
            return this.props.readonly ? "—" : "";
        }
        return super.formattedValue;
    }

    parse(value) {
        return value.trim() ? super.parse(value) : 0;
    }
}

export const thresholdField = {
    ...floatField,
    component: ThresholdField,
    displayName: _t("Threshold"),
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...floatField.extractProps(fieldInfo, dynamicInfo),
        placeholder: fieldInfo.attrs.placeholder || _t("No threshold"),
    }),
};

registry.category("fields").add("logistics_threshold", thresholdField);
