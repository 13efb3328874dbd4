/**
 * Passwords (web/users/password.ts): the stored form names scrypt's parameters and a random
 * salt, the right password verifies and a wrong one does not, the policy refuses short ones in
 * Norwegian, and a stored form that is not ours is refused instead of throwing.
 */
import { scryptSync } from 'node:crypto';
import { PasswordPolicyError, hashPassword, passwordPolicyProblem, verifyPassword } from '../../../web/users/password';

const FORM = /^scrypt\$16384\$8\$1\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

test('the stored form is scrypt$16384$8$1$<16-byte salt>$<64-byte key>, and the key is scrypt of the password with that salt', async () => {
  const stored = await hashPassword('riktig hest batteri');
  const match = FORM.exec(stored);
  expect(match).not.toBeNull();
  const salt = Buffer.from(match?.[1] as string, 'base64');
  const key = Buffer.from(match?.[2] as string, 'base64');
  expect(salt).toHaveLength(16);
  expect(key).toHaveLength(64);
  expect(scryptSync('riktig hest batteri', salt, 64, { N: 16384, r: 8, p: 1 }).equals(key)).toBe(true);
});

test('two hashes of one password differ (random salt), and both verify', async () => {
  const [a, b] = await Promise.all([hashPassword('samme passord'), hashPassword('samme passord')]);
  expect(a).not.toBe(b);
  expect(await verifyPassword('samme passord', a)).toBe(true);
  expect(await verifyPassword('samme passord', b)).toBe(true);
});

test('a wrong password, one character off, does not verify', async () => {
  const stored = await hashPassword('samme passord');
  expect(await verifyPassword('samme passorD', stored)).toBe(false);
  expect(await verifyPassword('', stored)).toBe(false);
});

test('the policy: at least 10 characters, counted as characters (æøå are one each), with a Norwegian message', async () => {
  expect(passwordPolicyProblem('123456789')).toBe('passordet må ha minst 10 tegn (det har 9)');
  expect(passwordPolicyProblem('blåbærsyltetøy')).toBeUndefined();
  expect(passwordPolicyProblem('æøåæøåæøå')).toBe('passordet må ha minst 10 tegn (det har 9)');
  await expect(hashPassword('kort')).rejects.toThrow(PasswordPolicyError);
  await expect(hashPassword('kort')).rejects.toThrow('Passordet må ha minst 10 tegn (det har 4).');
  await expect(hashPassword('x'.repeat(1025))).rejects.toThrow('høyst 1024 tegn');
});

test('a stored form that is not ours, or asks for too much memory, is refused without throwing', async () => {
  const stored = await hashPassword('et godt passord');
  expect(await verifyPassword('et godt passord', 'klartekst')).toBe(false);
  expect(await verifyPassword('et godt passord', stored.replace('scrypt$16384', 'scrypt$16383'))).toBe(false);
  expect(await verifyPassword('et godt passord', stored.replace('scrypt$16384', 'scrypt$1048576'))).toBe(false);
  expect(await verifyPassword('et godt passord', stored.replace(/\$[^$]+$/, '$'))).toBe(false);
});
