/** Every slash command the app serves; manifest.yml must declare exactly these (a test checks it). */
export const SLASH_COMMANDS = ['/summit'] as const;
export const SUMMIT_COMMAND = SLASH_COMMANDS[0];
