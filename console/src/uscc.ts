// SPDX-License-Identifier: Apache-2.0
// GB 32100-2015, as package uscc checks it: the page says what is wrong with a unified
// social credit code before the server does.

const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

// usccProblem is the i18n key of what is wrong, or "" when the code is valid.
export function usccProblem(code: string): string {
  if (code.length !== 18) return "uscc.length";
  for (const c of code) if (!charset.includes(c)) return "uscc.charset";
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return "uscc.division";
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += charset.indexOf(code[i]) * weights[i];
  if (code[17] !== charset[(31 - (sum % 31)) % 31]) return "uscc.check";
  return "";
}
