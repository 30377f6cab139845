export {
  AlertConfigError, loadAlertConfig, parseAlertConfig,
  type AlertConfig, type AlertRule, type ErrorsRule, type GoalRule, type SpikeRule, type WebhookFormat, type WebhookTarget,
} from './alert-config.js';
export { evaluateRules, type Alert, type AlertSource } from './evaluate-rules.js';
export { webhookBody } from './webhook-body.js';
export { deliverWebhook, type DeliveryOptions, type DeliveryResult } from './deliver-webhook.js';
export { DeliveryLedger } from './delivery-ledger.js';
export { AlertEngine, type AlertEngineOptions, type AlertReport } from './alert-engine.js';
export { rollupsAlertSource, type WindowQuery } from './rollups-alert-source.js';
