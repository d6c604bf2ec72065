namespace CaseApi.ReferenceData;

/// <summary>The fixed code lists of docs/design.md. Codes that admins edit (sectors, sponsors, …) live in tables instead.</summary>
public static class CodeLists
{
    public static readonly IReadOnlyDictionary<string, string> ActivityTypes = new Dictionary<string, string>
    {
        ["espionage"] = "Classified or national-defence information",
        ["economic-espionage"] = "Trade secrets for a foreign state",
        ["trade-secret-theft"] = "Trade secrets for private benefit",
        ["illegal-export"] = "Export-control violations",
        ["cyber-intrusion"] = "Computer intrusion",
        ["covert-action"] = "Influence operations, coercion of diaspora",
        ["research-integrity"] = "Undisclosed foreign ties, grant fraud",
        ["foreign-agent"] = "Acting as an unregistered agent of a foreign government",
    };

    public static readonly IReadOnlyList<string> Tradecraft =
    [
        "insider", "recruitment", "online-approach", "front-company", "cover-identity", "talent-program", "dead-drop",
        "covert-communications", "cash-payment", "bribery", "elicitation", "spear-phishing", "malware", "exploitation",
        "supply-chain", "steganography", "smuggling", "false-statements",
    ];

    public static readonly IReadOnlyList<string> CollectorTypes =
    [
        "intelligence-officer", "military-officer", "government-official", "soe-employee", "private-company-employee",
        "company", "entrepreneur", "researcher", "student", "contract-hacker", "co-opted-individual",
        "recruited-us-person", "other",
    ];

    public static readonly IReadOnlyList<string> Outcomes =
    [
        "under-investigation", "charged", "convicted", "acquitted", "dismissed", "fugitive", "deceased",
        "civil-settlement", "other",
    ];

    public static readonly IReadOnlyList<string> VictimTypes =
    [
        "government", "military", "defense-contractor", "company", "university", "research-institute", "individual", "ngo",
    ];

    public static readonly IReadOnlyList<string> SourceKinds =
        ["doj-press-release", "indictment", "court-record", "news", "report", "book", "other"];

    /// <summary>How a case was matched to a list's entry: by a person comparing them, or by an automatic rule.</summary>
    public static readonly IReadOnlyList<string> MatchMethods = ["manual", "rule"];

    public static readonly IReadOnlyList<string> SponsorConfidence = ["alleged", "confirmed", "assessed"];

    public static readonly IReadOnlyList<string> SponsorTypes =
    [
        "intelligence-service", "military", "state-owned-enterprise", "party-organization", "government", "university",
        "private-company",
    ];

    /// <summary>USPS codes of the 50 states, DC and the inhabited territories.</summary>
    public static readonly IReadOnlySet<string> UsStates = new HashSet<string>(StringComparer.Ordinal)
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
        "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
        "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP",
        "PR", "VI",
    };

    /// <summary>
    /// The titles of plain codes that are not simply the code in words, as the study and the reference tables write them:
    /// compound words keep their hyphen ("State-owned enterprise", as the sponsors table names <c>soe</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Titles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["state-owned-enterprise"] = "State-owned enterprise",
        ["co-opted-individual"] = "Co-opted individual",
        ["recruited-us-person"] = "Recruited US person",
        ["spear-phishing"] = "Spear-phishing",
    };

    /// <summary>ISO 3166-1 alpha-2 country codes (officially assigned).</summary>
    public static readonly IReadOnlySet<string> Countries = new HashSet<string>(
        ("AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY " +
         "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK " +
         "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR " +
         "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK " +
         "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM " +
         "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF " +
         "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW")
        .Split(' '), StringComparer.Ordinal);
}
