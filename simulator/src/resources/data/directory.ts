import { Random } from './random.js';

/** One identity that can take part in calls: a member, a guest, a phone number or a bot. */
export interface Person {
  kind: 'user' | 'guest' | 'phone' | 'bot';
  /** Entra object id (user), guest id, E.164 number (phone) or application id (bot). */
  id: string;
  displayName: string | null;
  tenantId: string | null;
  userPrincipalName?: string;
}

export interface Directory {
  tenantId: string;
  users: readonly Person[];
  guests: readonly Person[];
  phones: readonly Person[];
  bots: readonly Person[];
}

const FIRST = [
  'Adele',
  'Alex',
  'Allan',
  'Cameron',
  'Christie',
  'Debra',
  'Diego',
  'Emily',
  'Enrico',
  'Grady',
  'Henrietta',
  'Irvin',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Raul',
  'Ayana',
  'Bianca',
  'Chen',
  'Dmitri',
  'Fatima',
  'Hiroshi',
  'Ingrid',
  'Kwame',
  'Lucia',
  'Mateo',
  'Noor',
  'Olga',
  'Priya',
  'Sven',
  'Tomasz',
  'Yara',
  'Zanele',
  'Abbie',
  'Ravi',
  'Sofia',
  'Jonas',
  'Amara',
  'Kenji',
  'Leila',
];
const LAST = [
  'Vance',
  'Wilber',
  'Deyoung',
  'White',
  'Cline',
  'Berger',
  'Siciliani',
  'Braun',
  'Cattaneo',
  'Archie',
  'Cerrato',
  'Sink',
  'Patel',
  'Lauer',
  'Sherman',
  'Gu',
  'Holloway',
  'Valentine',
  'Bowen',
  'Gonzalez',
  'Wilke',
  'Fernandez',
  'Gupta',
  'Durazo',
  'Okafor',
  'Rossi',
  'Nakamura',
  'Ivanova',
  'Haddad',
  'Lindqvist',
  'Mensah',
  'Moreno',
  'Kowalski',
  'Tanaka',
  'Nilsson',
  'Wilkins',
  'Silva',
  'Dubois',
  'Khan',
  'Schmidt',
];
const BOT_NAMES = ['Contoso Help Desk Bot', 'Reception IVR', 'Meeting Recorder', 'Survey Bot', 'Compliance Recorder'];
/** E.164 country prefixes with the subscriber-number length used for each. */
const PHONE_PLANS: readonly (readonly [string, number])[] = [
  ['+1425', 7],
  ['+1206', 7],
  ['+44207', 7],
  ['+4930', 8],
  ['+33142', 6],
  ['+5511', 9],
  ['+5564', 9],
  ['+8190', 8],
  ['+61291', 6],
];

/** The people of the simulated tenant (and a few outsiders), derived from the seed only. */
export function buildDirectory(seed: number): Directory {
  const rng = new Random(seed, 0x0d1ec7);
  const tenantId = rng.guid();
  const guestTenants = [rng.guid(), rng.guid(), rng.guid()];
  const users: Person[] = [];
  const usedNames = new Set<string>();
  while (users.length < 240) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let upnLocal = `${first}.${last}`.toLowerCase();
    if (usedNames.has(upnLocal)) upnLocal = `${upnLocal}${users.length}`;
    usedNames.add(upnLocal);
    users.push({
      kind: 'user',
      id: rng.guid(),
      displayName: `${first} ${last}`,
      tenantId,
      userPrincipalName: `${upnLocal}@contoso.com`,
    });
  }
  const guests: Person[] = [];
  for (let i = 0; i < 30; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    guests.push({ kind: 'guest', id: rng.guid(), displayName: `${first} ${last} (Guest)`, tenantId: rng.pick(guestTenants) });
  }
  const phones: Person[] = [];
  const usedNumbers = new Set<string>();
  while (phones.length < 60) {
    const [prefix, digits] = rng.pick(PHONE_PLANS);
    let subscriber = String(rng.int(2, 9));
    while (subscriber.length < digits) subscriber += String(rng.int(0, 9));
    const number = `${prefix}${subscriber}`;
    if (usedNumbers.has(number)) continue;
    usedNumbers.add(number);
    phones.push({ kind: 'phone', id: number, displayName: null, tenantId: null });
  }
  const bots: Person[] = BOT_NAMES.map((name) => ({ kind: 'bot', id: rng.guid(), displayName: name, tenantId }));
  return { tenantId, users, guests, phones, bots };
}
