package stdlib

import "sort"

// fakeCity is one row of the embedded world-city table. Coordinates are the
// conventional city-centre points (WGS 84, decimal degrees, 4 places).
type fakeCity struct {
	City, Country, Code string // Code is ISO 3166-1 alpha-2
	Lat, Lon            float64
}

// fakeCities: 112 large cities on every inhabited continent. Country names
// are common English short names; Code is the ISO 3166-1 alpha-2 code.
var fakeCities = []fakeCity{
	// East Asia
	{"Tokyo", "Japan", "JP", 35.6762, 139.6503},
	{"Osaka", "Japan", "JP", 34.6937, 135.5023},
	{"Seoul", "South Korea", "KR", 37.5665, 126.9780},
	{"Busan", "South Korea", "KR", 35.1796, 129.0756},
	{"Beijing", "China", "CN", 39.9042, 116.4074},
	{"Shanghai", "China", "CN", 31.2304, 121.4737},
	{"Guangzhou", "China", "CN", 23.1291, 113.2644},
	{"Shenzhen", "China", "CN", 22.5431, 114.0579},
	{"Chengdu", "China", "CN", 30.5728, 104.0668},
	{"Hong Kong", "Hong Kong", "HK", 22.3193, 114.1694},
	{"Taipei", "Taiwan", "TW", 25.0330, 121.5654},
	// South-east Asia
	{"Singapore", "Singapore", "SG", 1.3521, 103.8198},
	{"Kuala Lumpur", "Malaysia", "MY", 3.1390, 101.6869},
	{"Bangkok", "Thailand", "TH", 13.7563, 100.5018},
	{"Jakarta", "Indonesia", "ID", -6.2088, 106.8456},
	{"Manila", "Philippines", "PH", 14.5995, 120.9842},
	{"Ho Chi Minh City", "Vietnam", "VN", 10.8231, 106.6297},
	{"Hanoi", "Vietnam", "VN", 21.0278, 105.8342},
	// South Asia
	{"Mumbai", "India", "IN", 19.0760, 72.8777},
	{"Delhi", "India", "IN", 28.7041, 77.1025},
	{"Bengaluru", "India", "IN", 12.9716, 77.5946},
	{"Chennai", "India", "IN", 13.0827, 80.2707},
	{"Kolkata", "India", "IN", 22.5726, 88.3639},
	{"Hyderabad", "India", "IN", 17.3850, 78.4867},
	{"Karachi", "Pakistan", "PK", 24.8607, 67.0011},
	{"Lahore", "Pakistan", "PK", 31.5204, 74.3587},
	{"Dhaka", "Bangladesh", "BD", 23.8103, 90.4125},
	{"Colombo", "Sri Lanka", "LK", 6.9271, 79.8612},
	// Middle East
	{"Dubai", "United Arab Emirates", "AE", 25.2048, 55.2708},
	{"Riyadh", "Saudi Arabia", "SA", 24.7136, 46.6753},
	{"Tel Aviv", "Israel", "IL", 32.0853, 34.7818},
	{"Istanbul", "Turkey", "TR", 41.0082, 28.9784},
	{"Ankara", "Turkey", "TR", 39.9334, 32.8597},
	{"Tehran", "Iran", "IR", 35.6892, 51.3890},
	// Africa
	{"Cairo", "Egypt", "EG", 30.0444, 31.2357},
	{"Lagos", "Nigeria", "NG", 6.5244, 3.3792},
	{"Nairobi", "Kenya", "KE", -1.2921, 36.8219},
	{"Johannesburg", "South Africa", "ZA", -26.2041, 28.0473},
	{"Cape Town", "South Africa", "ZA", -33.9249, 18.4241},
	{"Casablanca", "Morocco", "MA", 33.5731, -7.5898},
	{"Accra", "Ghana", "GH", 5.6037, -0.1870},
	{"Addis Ababa", "Ethiopia", "ET", 8.9806, 38.7578},
	// Europe
	{"London", "United Kingdom", "GB", 51.5074, -0.1278},
	{"Manchester", "United Kingdom", "GB", 53.4808, -2.2426},
	{"Edinburgh", "United Kingdom", "GB", 55.9533, -3.1883},
	{"Dublin", "Ireland", "IE", 53.3498, -6.2603},
	{"Paris", "France", "FR", 48.8566, 2.3522},
	{"Lyon", "France", "FR", 45.7640, 4.8357},
	{"Marseille", "France", "FR", 43.2965, 5.3698},
	{"Berlin", "Germany", "DE", 52.5200, 13.4050},
	{"Munich", "Germany", "DE", 48.1351, 11.5820},
	{"Hamburg", "Germany", "DE", 53.5511, 9.9937},
	{"Frankfurt", "Germany", "DE", 50.1109, 8.6821},
	{"Cologne", "Germany", "DE", 50.9375, 6.9603},
	{"Amsterdam", "Netherlands", "NL", 52.3676, 4.9041},
	{"Rotterdam", "Netherlands", "NL", 51.9244, 4.4777},
	{"Brussels", "Belgium", "BE", 50.8503, 4.3517},
	{"Luxembourg", "Luxembourg", "LU", 49.6116, 6.1319},
	{"Zurich", "Switzerland", "CH", 47.3769, 8.5417},
	{"Geneva", "Switzerland", "CH", 46.2044, 6.1432},
	{"Vienna", "Austria", "AT", 48.2082, 16.3738},
	{"Madrid", "Spain", "ES", 40.4168, -3.7038},
	{"Barcelona", "Spain", "ES", 41.3874, 2.1686},
	{"Valencia", "Spain", "ES", 39.4699, -0.3763},
	{"Lisbon", "Portugal", "PT", 38.7223, -9.1393},
	{"Porto", "Portugal", "PT", 41.1579, -8.6291},
	{"Rome", "Italy", "IT", 41.9028, 12.4964},
	{"Milan", "Italy", "IT", 45.4642, 9.1900},
	{"Naples", "Italy", "IT", 40.8518, 14.2681},
	{"Athens", "Greece", "GR", 37.9838, 23.7275},
	{"Copenhagen", "Denmark", "DK", 55.6761, 12.5683},
	{"Stockholm", "Sweden", "SE", 59.3293, 18.0686},
	{"Oslo", "Norway", "NO", 59.9139, 10.7522},
	{"Helsinki", "Finland", "FI", 60.1699, 24.9384},
	{"Warsaw", "Poland", "PL", 52.2297, 21.0122},
	{"Krakow", "Poland", "PL", 50.0647, 19.9450},
	{"Prague", "Czechia", "CZ", 50.0755, 14.4378},
	{"Budapest", "Hungary", "HU", 47.4979, 19.0402},
	{"Bucharest", "Romania", "RO", 44.4268, 26.1025},
	{"Kyiv", "Ukraine", "UA", 50.4501, 30.5234},
	{"Moscow", "Russia", "RU", 55.7558, 37.6173},
	{"Saint Petersburg", "Russia", "RU", 59.9311, 30.3609},
	// North America
	{"New York", "United States", "US", 40.7128, -74.0060},
	{"Los Angeles", "United States", "US", 34.0522, -118.2437},
	{"Chicago", "United States", "US", 41.8781, -87.6298},
	{"Houston", "United States", "US", 29.7604, -95.3698},
	{"Phoenix", "United States", "US", 33.4484, -112.0740},
	{"Philadelphia", "United States", "US", 39.9526, -75.1652},
	{"San Francisco", "United States", "US", 37.7749, -122.4194},
	{"Seattle", "United States", "US", 47.6062, -122.3321},
	{"Boston", "United States", "US", 42.3601, -71.0589},
	{"Miami", "United States", "US", 25.7617, -80.1918},
	{"Atlanta", "United States", "US", 33.7490, -84.3880},
	{"Dallas", "United States", "US", 32.7767, -96.7970},
	{"Denver", "United States", "US", 39.7392, -104.9903},
	{"Washington", "United States", "US", 38.9072, -77.0369},
	{"Toronto", "Canada", "CA", 43.6532, -79.3832},
	{"Montreal", "Canada", "CA", 45.5017, -73.5673},
	{"Vancouver", "Canada", "CA", 49.2827, -123.1207},
	{"Mexico City", "Mexico", "MX", 19.4326, -99.1332},
	{"Guadalajara", "Mexico", "MX", 20.6597, -103.3496},
	// South America
	{"São Paulo", "Brazil", "BR", -23.5505, -46.6333},
	{"Rio de Janeiro", "Brazil", "BR", -22.9068, -43.1729},
	{"Buenos Aires", "Argentina", "AR", -34.6037, -58.3816},
	{"Santiago", "Chile", "CL", -33.4489, -70.6693},
	{"Lima", "Peru", "PE", -12.0464, -77.0428},
	{"Bogotá", "Colombia", "CO", 4.7110, -74.0721},
	// Oceania
	{"Sydney", "Australia", "AU", -33.8688, 151.2093},
	{"Melbourne", "Australia", "AU", -37.8136, 144.9631},
	{"Brisbane", "Australia", "AU", -27.4698, 153.0251},
	{"Perth", "Australia", "AU", -31.9505, 115.8605},
	{"Auckland", "New Zealand", "NZ", -36.8485, 174.7633},
}

// cityKeys are the keys of the object city_location() returns.
var cityKeys = []string{"city", "country", "country_code", "lat", "lon"}

// cityValues holds one prebuilt object per city (shared, never mutated:
// drawing a location allocates nothing) and the indexes by country code.
var cityValues, cityByCode, cityCodes = func() ([]Value, map[string][]Value, []string) {
	vals := make([]Value, len(fakeCities))
	by := map[string][]Value{}
	for i, c := range fakeCities {
		vals[i] = ObjV(cityKeys, []Value{StrV(c.City), StrV(c.Country), StrV(c.Code), FloatV(c.Lat), FloatV(c.Lon)})
		by[c.Code] = append(by[c.Code], vals[i])
	}
	codes := make([]string, 0, len(by))
	for k := range by {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	return vals, by, codes
}()
