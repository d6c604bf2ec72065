namespace CaseApi.ReferenceData;

/// <summary>
/// The reference rows the first migration seeds. One source of truth: the migration's HasData
/// and the test fixture's reset both read these arrays.
/// </summary>
public static class ReferenceSeed
{
    public static readonly Sector[] Sectors =
    [
        new() { Code = "aerospace", Name = "Aerospace", Description = "Aircraft, engines, avionics and their materials." },
        new() { Code = "information-technology", Name = "Information technology", Description = "Software, computing and networking." },
        new() { Code = "semiconductors", Name = "Semiconductors", Description = "Chips, chip design and fabrication equipment." },
        new() { Code = "telecommunications", Name = "Telecommunications", Description = "Telecom equipment and networks." },
        new() { Code = "energy", Name = "Energy", Description = "Power generation, oil and gas, batteries and grid technology." },
        new() { Code = "new-materials", Name = "New materials", Description = "Advanced materials, composites and chemicals." },
        new() { Code = "maritime", Name = "Maritime", Description = "Ships, marine engineering and undersea technology." },
        new() { Code = "rail", Name = "Rail", Description = "Rail transport equipment." },
        new() { Code = "automotive", Name = "Automotive", Description = "Vehicles, including new-energy vehicles." },
        new() { Code = "robotics", Name = "Robotics", Description = "Robots and advanced manufacturing tools." },
        new() { Code = "biomedical", Name = "Biomedical", Description = "Pharmaceuticals, medical devices and biotechnology." },
        new() { Code = "agriculture", Name = "Agriculture", Description = "Seeds, agricultural machinery and food technology." },
        new() { Code = "space", Name = "Space", Description = "Satellites, launchers and space science." },
        new() { Code = "nuclear", Name = "Nuclear", Description = "Civil nuclear power and nuclear technology." },
        new() { Code = "defense", Name = "Defense", Description = "Military systems and national-defence information." },
        new() { Code = "government", Name = "Government", Description = "Government information and officials." },
        new() { Code = "personal-data", Name = "Personal data", Description = "Bulk personal information about US persons." },
    ];

    public static readonly Sponsor[] Sponsors =
    [
        new() { Code = "mss", Name = "Ministry of State Security", Type = "intelligence-service" },
        new() { Code = "mss-jssd", Name = "MSS Jiangsu State Security Department", Type = "intelligence-service", ParentCode = "mss" },
        new() { Code = "mss-tianjin", Name = "MSS Tianjin State Security Bureau", Type = "intelligence-service", ParentCode = "mss" },
        new() { Code = "mss-hainan", Name = "MSS Hainan State Security Department", Type = "intelligence-service", ParentCode = "mss" },
        new() { Code = "mss-shanghai", Name = "MSS Shanghai State Security Bureau", Type = "intelligence-service", ParentCode = "mss" },
        new() { Code = "pla", Name = "People's Liberation Army", Type = "military" },
        new()
        {
            Code = "cmc-jsd-ib", Name = "Central Military Commission Joint Staff Department Intelligence Bureau", Type = "military",
            ParentCode = "pla",
        },
        new() { Code = "pla-unit-61398", Name = "PLA Unit 61398", Type = "military", ParentCode = "pla" },
        new() { Code = "pla-54th-ri", Name = "PLA 54th Research Institute", Type = "military", ParentCode = "pla" },
        new() { Code = "pla-air-force", Name = "PLA Air Force", Type = "military", ParentCode = "pla" },
        new() { Code = "soe", Name = "State-owned enterprise", Type = "state-owned-enterprise" },
        new() { Code = "ufwd", Name = "United Front Work Department", Type = "party-organization" },
        new() { Code = "prc-university", Name = "PRC university", Type = "university" },
        new() { Code = "talent-program", Name = "PRC talent program", Type = "government" },
        new() { Code = "private-company", Name = "PRC private company", Type = "private-company" },
        new() { Code = "prc-intelligence-unspecified", Name = "PRC intelligence service (unspecified)", Type = "intelligence-service" },
        new() { Code = "prc-government-unspecified", Name = "PRC government (unspecified)", Type = "government" },
    ];

    public static readonly PolicyDocument[] PolicyDocuments =
    [
        new() { Code = "mic2025", Name = "Made in China 2025", Year = 2015, Description = "State Council plan to upgrade Chinese manufacturing " +
            "in ten priority sectors." },
        new() { Code = "fyp13-sei", Name = "13th Five-Year Plan for Strategic Emerging Industries", Year = 2016, Description = "State Council " +
            "plan for strategic emerging industries, 2016-2020." },
        new()
        {
            Code = "space2050", Name = "Space Science & Technology in China: A Roadmap to 2050", Year = 2009,
            Description = "Chinese Academy of Sciences roadmap for space science and technology.",
        },
    ];

    public static readonly PolicyDocumentSector[] PolicyDocumentSectors =
    [
        .. Map("mic2025", "information-technology", "semiconductors", "telecommunications", "robotics", "aerospace",
            "maritime", "rail", "automotive", "energy", "new-materials", "biomedical", "agriculture"),
        .. Map("fyp13-sei", "information-technology", "semiconductors", "telecommunications", "robotics", "aerospace",
            "new-materials", "biomedical", "automotive", "energy", "nuclear"),
        .. Map("space2050", "space", "aerospace"),
    ];

    public static readonly SourceList[] SourceLists =
    [
        new() { Code = "doj-press-releases", Name = "US Department of Justice press releases", Publisher = "US Department of Justice" },
        new() { Code = "csis-survey", Name = "Survey of Chinese espionage in the United States since 2000", Publisher = "Center for Strategic " +
            "and International Studies", CoverageFrom = 2000 },
        new()
        {
            Code = "mit-tr-china-initiative", Name = "China Initiative database", Publisher = "MIT Technology Review",
            CoverageFrom = 2018, CoverageTo = 2022,
        },
        new()
        {
            Code = "eftimiades-2020", Name = "Chinese espionage operations and tactics (595 cases)", Publisher = "Nicholas Eftimiades",
            CoverageTo = 2020,
        },
        new() { Code = "news-media", Name = "News media reports", Publisher = "Various" },
    ];

    private static IEnumerable<PolicyDocumentSector> Map(string policy, params string[] sectors) =>
        sectors.Select(s => new PolicyDocumentSector { PolicyCode = policy, SectorCode = s });
}
