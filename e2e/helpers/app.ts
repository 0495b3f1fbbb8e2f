import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export interface DemoAccount {
  username: string;
  password: string;
  roles: string[];
}

/** Passwords the server generated at its first start in the e2e data dir. */
export function demoAccounts(): DemoAccount[] {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (playwright.config.ts sets it)');
  return (JSON.parse(readFileSync(path.join(dir, 'demo-accounts.json'), 'utf8')) as { accounts: DemoAccount[] }).accounts;
}

export function account(username: string): DemoAccount {
  const a = demoAccounts().find((x) => x.username === username);
  if (!a) throw new Error(`no demo account ${username}`);
  return a;
}

export async function login(page: Page, username: string, password = account(username).password): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText(username);
}
