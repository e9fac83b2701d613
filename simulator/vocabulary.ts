/**
 * Synthetic vocabulary for realistic-looking records. Every name, address and number here is made up;
 * the simulator never holds real patient data.
 */
import type { Random } from './random.js';
import type { Json } from './store.js';

export const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Charlotte',
  'Noah',
  'Amelia',
  'Oliver',
  'Isla',
  'Jack',
  'Mia',
  'William',
  'Ava',
  'Henry',
  'Grace',
  'Leo',
  'Chloe',
  'Thomas',
  'Zoe',
  'Lucas',
  'Ruby',
  'Hugo',
  'Sofia',
  'Mateo',
  'Aisha',
  'Kenji',
  'Priya',
  'Tane',
  'Ngaio',
  'Finn',
  'Freya',
  'Arjun',
  'Mei',
  'Samir',
  'Elena',
  'Kofi',
  'Ines',
] as const;

export const LAST_NAMES = [
  'Smith',
  'Nguyen',
  'Williams',
  'Brown',
  'Wilson',
  'Taylor',
  'Johnson',
  'White',
  'Martin',
  'Anderson',
  'Thompson',
  'Walker',
  'Harris',
  'Lee',
  'Ryan',
  'Robinson',
  'Kelly',
  'King',
  'Patel',
  'Singh',
  'Chen',
  'Wong',
  'Murphy',
  "O'Connor",
  'Rossi',
  'Kowalski',
  'Haddad',
  'Okafor',
  'Takahashi',
  'Silva',
  'Novak',
] as const;

const STREETS = ['Smith', 'High', 'Station', 'Church', 'Park', 'Victoria', 'George', 'King', 'Queen', 'Elm'];
const STREET_TYPES = ['Street', 'Road', 'Avenue', 'Lane', 'Parade', 'Crescent'];
const PLACES: readonly { city: string; state: string; post: string; country: string; tz: string }[] = [
  { city: 'Melbourne', state: 'Victoria', post: '3000', country: 'Australia', tz: 'Australia/Melbourne' },
  { city: 'Fitzroy', state: 'Victoria', post: '3065', country: 'Australia', tz: 'Australia/Melbourne' },
  { city: 'Sydney', state: 'New South Wales', post: '2000', country: 'Australia', tz: 'Australia/Sydney' },
  { city: 'Brisbane', state: 'Queensland', post: '4000', country: 'Australia', tz: 'Australia/Brisbane' },
  { city: 'Auckland', state: 'Auckland', post: '1010', country: 'New Zealand', tz: 'Pacific/Auckland' },
  { city: 'Leeds', state: 'West Yorkshire', post: 'LS1 4AP', country: 'United Kingdom', tz: 'Europe/London' },
  { city: 'Toronto', state: 'Ontario', post: 'M5V 2T6', country: 'Canada', tz: 'America/Toronto' },
];

export const NOTES = [
  'Prefers morning appointments.',
  'Lower back pain after gardening.',
  'Referred by a friend.',
  'Runs marathons; left knee soreness.',
  'Desk worker, neck and shoulder tension.',
  'Post-operative rehabilitation, right shoulder.',
  'Call before rescheduling.',
  'Parking is difficult; allow extra time.',
  '',
] as const;

export const OCCUPATIONS = [
  'Teacher',
  'Nurse',
  'Engineer',
  'Chef',
  'Student',
  'Retired',
  'Accountant',
  '',
] as const;

export interface Person {
  readonly firstName: string;
  readonly lastName: string;
  readonly title: string;
  readonly email: string;
}

export function person(random: Random): Person {
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const domain = random.pick(['example.com', 'example.net', 'example.org']);
  const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
  return {
    firstName,
    lastName,
    title: random.pick(['Mr', 'Ms', 'Mrs', 'Dr', 'Mx', '']),
    email: `${local}${random.int(1, 999)}@${domain}`,
  };
}

export interface Address {
  readonly address_1: string;
  readonly address_2: string;
  readonly city: string;
  readonly state: string;
  readonly post_code: string;
  readonly country: string;
  readonly time_zone: string;
}

export function address(random: Random): Address {
  const place = random.pick(PLACES);
  return {
    address_1: `${random.int(1, 250)} ${random.pick(STREETS)} ${random.pick(STREET_TYPES)}`,
    address_2: random.chance(0.2) ? `Unit ${random.int(1, 40)}` : '',
    city: place.city,
    state: place.state,
    post_code: place.post,
    country: place.country,
    time_zone: place.tz,
  };
}

/** A fictional phone number (the 0491 570 xxx block is reserved for fiction in Australia). */
export function phoneNumber(random: Random): string {
  return `61491570${random.digits(3)}`;
}

export function phoneNumbers(random: Random): Json {
  const phones: Json[] = [{ phone_type: 'Mobile', number: phoneNumber(random) }];
  if (random.chance(0.3)) phones.push({ phone_type: 'Home', number: `6139${random.digits(7)}` });
  return phones;
}

/** Patient custom fields in Cliniko's `{sections:[{name, token, fields:[...]}]}` shape. */
export function customFields(random: Random): Json {
  const insurer = random.int(0, 2);
  return {
    sections: [
      {
        name: 'Insurance coverage',
        token: 'ef4c43ec-105d-489c-88cc-0f3c5f67dc70',
        fields: [
          {
            name: 'Provider',
            type: 'radiobuttons',
            other: { enabled: true },
            token: 'b16839e0-26a4-48d6-83d6-36658e357c81',
            options: ['Great Insurance', 'Super Insurance', 'Local Health Fund'].map((name, i) => ({
              name,
              token: `944e2fe0-6730-42fd-b9a2-519f35ceb4${String(i).padStart(2, '0')}`,
              ...(i === insurer ? { selected: true } : {}),
            })),
          },
          {
            name: 'Policy number',
            type: 'text',
            token: 'fdb9c8a0-2984-4d96-8dc1-fbe703a8afdb',
            value: `POL-${random.digits(6)}`,
          },
        ],
      },
    ],
  };
}

/** Pronoun sets in the shape of the spec's `pronouns` object. */
export const PRONOUNS: readonly Json[] = [
  {
    nominative: 'she',
    accusative: 'her',
    pronominal_possessive: 'her',
    predicative_possessive: 'hers',
    reflexive: 'herself',
  },
  {
    nominative: 'he',
    accusative: 'him',
    pronominal_possessive: 'his',
    predicative_possessive: 'his',
    reflexive: 'himself',
  },
  {
    nominative: 'they',
    accusative: 'them',
    pronominal_possessive: 'their',
    predicative_possessive: 'theirs',
    reflexive: 'themselves',
  },
];
