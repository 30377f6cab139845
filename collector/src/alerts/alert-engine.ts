import type { Clock } from '../sessions/types.js';
import type { AlertConfig } from './alert-config.js';
import { deliverWebhook, type DeliveryOptions, type DeliveryResult } from './deliver-webhook.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { evaluateRules, type Alert, type AlertSource } from './evaluate-rules.js';
import { webhookBody } from './webhook-body.js';

export interface AlertEngineOptions {
  config: AlertConfig;
  source: AlertSource;
  clock: Clock;
  /** Where claimed delivery keys are kept (e.g. `${WISP_DATA_DIR}/alerts-delivered.txt`). */
  ledger?: DeliveryLedger;
  /** Retry settings passed to every delivery. */
  retry?: Omit<DeliveryOptions, 'key'>;
}

export interface AlertReport {
  alert: Alert;
  result: DeliveryResult;
}

/**
 * Evaluates the rules and delivers each new alert once. `tick()` is safe to call often (e.g. every
 * 30 s, or after ingests): an alert's key is claimed before its first attempt.
 */
export class AlertEngine {
  private readonly ledger: DeliveryLedger;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AlertEngineOptions) {
    this.ledger = options.ledger ?? new DeliveryLedger();
  }

  async tick(): Promise<AlertReport[]> {
    const { config, source, clock, retry } = this.options;
    const now = clock();
    this.ledger.trim(now);
    const due = evaluateRules(config.rules, source, now).filter((alert) => this.ledger.claim(alert.key));
    return Promise.all(
      due.map(async (alert) => {
        const target = config.webhooks[alert.webhook]!;
        const result = await deliverWebhook(target.url, webhookBody(alert, target.format), { ...retry, key: alert.key });
        return { alert, result };
      }),
    );
  }

  /** Runs `tick` every `intervalMs` (unref'd timer); `onReport` sees every delivery outcome. */
  start(intervalMs = 30_000, onReport: (report: AlertReport) => void = () => {}): void {
    this.stop();
    this.timer = setInterval(() => {
      this.tick().then((reports) => reports.forEach(onReport), () => {});
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
