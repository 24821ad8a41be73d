package apitest

// Word lists for seeded data: mostly common names, with enough non-ASCII to
// exercise display width and case folding.
var firstNames = []string{
	"Olivia", "Liam", "Emma", "Noah", "Ava", "William", "Sophia", "James", "Isabella", "Oliver",
	"Mia", "Benjamin", "Charlotte", "Elijah", "Amelia", "Lucas", "Harper", "Mason", "Evelyn", "Logan",
	"Jack", "Grace", "Thomas", "Chloe", "Henry", "Ruby", "Daniel", "Sarah", "Michael", "Emily",
	"José", "Zoë", "Łukasz", "Søren", "François", "Chloé", "Mateo", "Aarav", "Priya", "Yuki",
	"Hiroshi", "Fatima", "Omar", "Ngozi", "Kwame", "Siobhán", "Björn", "Ana", "Dmitri", "Inês",
	"Małgorzata", "Jürgen", "Nuño", "Rahim", "Tasnim", "娜", "伟", "小明", "Anh", "Sione",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
	"Hernández", "López", "Nguyen", "Kowalski", "Müller", "O'Brien", "van der Berg", "Tanaka", "Singh", "Patel",
	"Okafor", "Ivanova", "Dubois", "Rossi", "Andersen", "Nowak", "Wiśniewska", "Schmidt", "Fernández", "Kim",
	"Park", "Chowdhury", "Rahman", "Haddad", "MacDonald", "Ó Súilleabháin", "Jensen", "Novák", "Silva", "Costa",
	"李", "王", "张", "陈", "Walker", "Hall", "Young", "King", "Wright", "Scott",
}

var domains = []string{
	"gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me",
	"example.com", "example.org", "bigpond.com.au", "mail.de", "wp.pl", "qq.com", "gmx.net", "shop.example.net",
}

var companies = []string{
	"Acme Pty Ltd", "Globex Corporation", "Initech", "Umbrella Trading", "Stark Supplies", "Wayne Wholesale",
	"Bluth Company", "Dunder Mifflin", "Kwik-E-Mart", "Müller & Söhne GmbH", "Café Olé S.L.", "北京贸易有限公司",
	"Sydney Surf Co.", "Dhaka Textiles Ltd", "Kiwi Kitchens", "Nordic Outfitters AB",
}

var notes = []string{
	"Prefers email contact", "Wholesale account since 2021", "Called about a late delivery",
	"VIP — handle with care", "Duplicate of an older account?", "Asked to be removed from the newsletter",
	"Pays by invoice, 30 days", "Address verified by phone",
}

var groupNames = []string{"Retail", "Wholesale", "VIP", "Newsletter", "Staff"}

var streets = []string{
	"George", "King", "Queen", "Victoria", "Elizabeth", "Church", "Park", "High", "Station", "Market",
	"Collins", "Pitt", "Oak", "Maple", "Hauptstraße", "Marszałkowska", "Gran Vía", "Gulshan",
}

type country struct {
	country place
	states  []state
	city    string // when the country has no states
	tz      string
	dial    string
	postLen int
}

type state struct {
	place
	city string
}

var countries = []country{
	{place{13, "Australia", "AU"}, []state{{place{131, "New South Wales", "NSW"}, "Sydney"}, {place{132, "Victoria", "VIC"}, "Melbourne"}, {place{133, "Queensland", "QLD"}, "Brisbane"}, {place{134, "Western Australia", "WA"}, "Perth"}}, "", "Australia/Sydney", "+61", 4},
	{place{13, "Australia", "AU"}, []state{{place{131, "New South Wales", "NSW"}, "Newcastle"}}, "", "Australia/Sydney", "+61", 4},
	{place{226, "United States", "US"}, []state{{place{2261, "California", "CA"}, "San Francisco"}, {place{2262, "New York", "NY"}, "New York"}, {place{2263, "Texas", "TX"}, "Austin"}}, "", "America/New_York", "+1", 5},
	{place{225, "United Kingdom", "GB"}, nil, "London", "Europe/London", "+44", 5},
	{place{81, "Germany", "DE"}, []state{{place{811, "Bayern", "BY"}, "München"}, {place{812, "Berlin", "BE"}, "Berlin"}}, "", "Europe/Berlin", "+49", 5},
	{place{171, "Poland", "PL"}, []state{{place{1711, "Mazowieckie", "MZ"}, "Warszawa"}, {place{1712, "Małopolskie", "MA"}, "Kraków"}}, "", "Europe/Warsaw", "+48", 5},
	{place{199, "Spain", "ES"}, []state{{place{1991, "Madrid", "MD"}, "Madrid"}}, "", "Europe/Madrid", "+34", 5},
	{place{44, "China", "CN"}, []state{{place{441, "Beijing", "BJ"}, "北京"}}, "", "Asia/Shanghai", "+86", 6},
	{place{109, "Japan", "JP"}, []state{{place{1091, "Tokyo", "13"}, "Tokyo"}}, "", "Asia/Tokyo", "+81", 7},
	{place{153, "New Zealand", "NZ"}, nil, "Auckland", "Pacific/Auckland", "+64", 4},
	{place{18, "Bangladesh", "BD"}, []state{{place{181, "Dhaka Division", "DHA"}, "Dhaka"}}, "", "Asia/Dhaka", "+880", 4},
}
