// `npm run token`: prints a random secret for ADMIN_TOKEN, STAFF_TOKEN or a webhook secret.
import { randomToken } from '../secret-strength.js';

console.log(randomToken());
