import type { WebhookFormat } from './alert-config.js';
import type { Alert } from './evaluate-rules.js';

/**
 * JSON body for a webhook: Slack incoming webhooks read `text` (and `blocks`), Discord webhooks
 * read `content` (max 2,000 chars) and `embeds`; `json` sends the alert itself.
 */
export function webhookBody(alert: Alert, format: WebhookFormat): unknown {
  if (format === 'slack') {
    return {
      text: `${alert.title}: ${alert.text}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${alert.title}*\n${alert.text}` } }],
    };
  }
  if (format === 'discord') {
    return {
      content: `**${alert.title}**`.slice(0, 2000),
      embeds: [{ title: alert.title.slice(0, 256), description: alert.text.slice(0, 4096), timestamp: new Date(alert.windowStart).toISOString() }],
    };
  }
  return alert;
}
