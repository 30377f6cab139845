// Words that make a prop key sensitive wherever they appear as a word of the key
// (`userEmail`, `billing_address`, `X-Auth-Token`). Compounds are matched on the joined key.
const WORDS = new Set(
  'password passwd pwd pass passcode pin secret token auth authorization bearer jwt otp session sessionid sid cookie csrf xsrf email mail phone tel mobile ssn cvv cvc iban dob birthdate address street postcode zipcode ip credential credentials signature passport surname'.split(' '),
);
const COMPOUNDS = /(api|access|secret|private)key|clientsecret|creditcard|card(number|no)|ccnum|accountnumber|socialsecurity|dateofbirth|birthday|(first|last|full|user)name/;

/** True when a prop key names something personal or secret; such props are dropped, not scrubbed. */
export function isSensitiveKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((word) => WORDS.has(word)) || COMPOUNDS.test(words.join(''));
}
