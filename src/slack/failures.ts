/**
 * What a failed call to Slack was, as a metric label: Slack's own error code, "ratelimited", "timeout", or the
 * kind of failure. Undefined when the error did not come from calling Slack (then it is the bot's own failure).
 */
export function slackFailureCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; code?: unknown; data?: { error?: unknown }; original?: { name?: unknown } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.original?.name === 'TimeoutError') return 'timeout';
  if (e.code === 'slack_bolt_respond_error') return 'response_url_failed';
  if (e.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (
    e.code === 'slack_webapi_platform_error' &&
    typeof e.data?.error === 'string' &&
    /^[a-z_]{1,60}$/.test(e.data.error)
  )
    return e.data.error;
  if (typeof e.code === 'string' && e.code.startsWith('slack_webapi_')) return e.code.replace(/^slack_webapi_/, '');
  return undefined;
}
