/** An absolute http:// or https:// URL: the only kind of link summit-bot stores or shows as a source. */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const protocol = new URL(text).protocol;
  return protocol === 'http:' || protocol === 'https:';
}
