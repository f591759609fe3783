#!/usr/bin/env python3
"""Generates src/main/resources/org/histoscope/security/common-passwords.txt.

Provenance (honest): written offline, without downloading any breach corpus. The base words are passwords and
password patterns that appear at the top of widely published "most common passwords" rankings drawn from
public breach compilations (e.g. RockYou, the NCSC "PwnedPasswords top 100k" summary, yearly vendor top-200
lists), recalled from memory, plus obvious words for this application's setting (hospital, pathology, ...).
Because the policy already requires >= 12 characters, the list mostly holds the forms of those bases that
reach 12 characters: repeated, padded with digit runs, years and symbols, capitalised, and keyboard walks.
It is a deny-list of predictable choices, not a copy of any breach list.

Run: /usr/bin/python3 tools/generate_common_passwords.py > src/main/resources/org/histoscope/security/common-passwords.txt
"""

BASES = """
password passw0rd p@ssword p@ssw0rd pass123 123456 12345678 123456789 1234567890 qwerty qwertyuiop
qwerty123 abc123 abcdef letmein welcome welcome1 monkey dragon football baseball basketball soccer hockey
iloveyou trustno1 sunshine princess master shadow superman batman starwars whatever freedom ninja mustang
michael jennifer jordan hunter ranger buster thomas robert charlie daniel andrew joshua jessica ashley
michelle amanda summer winter spring autumn secret admin administrator root login changeme default
guest user test tester access master123 killer pepper cheese computer internet samsung google apple
orange banana chocolate cookie flower hello hello123 love lovely loveme loveyou angel angels baby
babygirl family friends forever liverpool chelsea arsenal barcelona realmadrid manchester united
pokemon pikachu naruto matrix merlin harley yankees dallas tigger ginger maggie bailey sophie
hannah jasmine daniela london paris berlin newyork america canada germany france spain
qazwsx zxcvbnm asdfghjkl 1qaz2wsx 1q2w3e4r 1q2w3e 1qazxsw2 zaq12wsx qweasdzxc aaaaaa 111111 000000
121212 123123 654321 666666 696969 777777 888888 987654321 112233 159753 147258369 123321 password1
password12 password123 iloveyou1 princess1 monkey123 dragon123 football1 welcome123 letmein123
hospital pathology pathologist histology histoscope doctor nurse medical clinic patient health
cancer tumor biopsy microscope laboratory lab science research university student teacher
company office business service support helpdesk system server network security database
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
blink182 metallica nirvana slipknot eminem justin beyonce rihanna taylor
gandalf frodo hobbit zelda mario minecraft fortnite roblox warcraft starcraft
""".split()

PHRASES = """
correcthorsebatterystaple correct horse battery staple iloveyouforever iloveyousomuch letmeinplease
passwordpassword qwertyqwerty welcomewelcome adminadmin administrator1 changemenow changeme123
thisismypassword mypasswordis mysecretpassword supersecretpassword ilovemyfamily ilovemymom
ilovemydog ilovemycat trustnoone nopassword notmypassword youshallnotpass opensesame
qwertyuiopasdfghjklzxcvbnm abcdefghijklmnopqrstuvwxyz abcdefghijkl 1qaz2wsx3edc 1qaz2wsx3edc4rfv
qwer1234asdf zxcvbnm123456 asdfghjkl123 q1w2e3r4t5y6 1q2w3e4r5t6y 1q2w3e4r5t6y7u8i a1b2c3d4e5f6
123456789012 1234567890123 12345678901234 123456789abc 123456abcdef 1234qwerasdf 0987654321
098765432112 111111111111 000000000000 123123123123 121212121212 112233445566 987654321987
aaaaaaaaaaaa abcabcabcabc qazwsxedcrfv qazwsxedcrfvtgb zaq1zaq1zaq1 zaq1xsw2cde3 password1234
password12345 password123456 welcome12345 letmein12345 iloveyou1234 princess1234 sunshine1234
monkey123456 dragon123456 football1234 baseball1234 superman1234 batman123456 starwars1234
qwerty123456 qwertyuiop123 abc123456789 abcd12345678 admin1234567 administrator administrator123
histoscope123 pathology123 hospital1234 doctorwho123 microscope123 laboratory123
""".split()

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "@123",
            "2023", "2024", "2025", "2026", "2024!", "2025!", "2026!"]
PREFIXES = ["", "my"]
LEET = str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"})
MIN_LENGTH = 12


def variants(word):
    # Case does not matter (the check compares lower-case), so only shape variants are generated.
    for form in {word, word.translate(LEET)}:
        for prefix in PREFIXES:
            for suffix in SUFFIXES:
                yield prefix + form + suffix
    for suffix in ["", "1", "12", "123", "!"]:
        yield word + word + suffix
    yield word + word + word


def main():
    seen = set()
    for word in BASES + PHRASES:
        for candidate in variants(word):
            if len(candidate) >= MIN_LENGTH and candidate.lower() not in seen:
                seen.add(candidate.lower())
    for phrase in PHRASES:
        seen.add(phrase.lower())
    print("# Common and predictable passwords of 12+ characters, lower-case, one per line.")
    print("# Generated by tools/generate_common_passwords.py; see that script for provenance.")
    for candidate in sorted(seen):
        if len(candidate) >= MIN_LENGTH or candidate in PHRASES:
            print(candidate)


if __name__ == "__main__":
    main()
