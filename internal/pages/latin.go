package pages

// LatinWords are the words a Chinese page may show in Latin letters,
// outside the chain's words and marked data: names of standards, formats
// and units that have no Chinese form people use. The crawler of the
// pages (internal/web) and the test of the modules' Chinese refusals hold
// Chinese text to it.
var LatinWords = map[string]bool{
	"API": true, "Bearer": true, "Authorization": true,
	"GTIN": true, "GLN": true, "GS1": true, "SSCC": true, "EPCIS": true, "JSON": true, "JSON-LD": true, "CSV": true, "PDF": true,
	"QR": true, "URL": true, "HTTP": true, "HTTPS": true, "ERP": true, "ID": true, "IP": true, "CA": true,
	"SM2": true, "SM3": true, "SM4": true, "Ed25519": true, "SHA-256": true, "SHA256": true, "ECDSA": true,
	"EVM": true, "Solidity": true, "ABI": true, "ETH": true, "RPC": true,
	"kWh": true, "kgC": true, "MWh": true, "kW": true, "MW": true, "tCO2e": true, "CO2e": true, "CO2": true, "kg": true, "km": true,
	"CNY": true, "USD": true, "UTC": true, "FHIR": true, "HL7": true, "DID": true, "VC": true, "W3C": true,
	"eBL": true, "UCP": true, "ICC": true, "LC": true, "Incoterms": true, "FOB": true, "CIF": true, "EXW": true, "DDP": true,
	"HS": true, "BIC": true, "SWIFT": true, "IBAN": true, "PNG": true, "SVG": true, "XML": true, "IATI": true,
	"PGLN": true, "EPCISDocument": true, "EPCISQueryDocument": true, "MiB": true, "KB": true, "MB": true,
	"SD-JWT": true, "SD-JWT+KB": true, "JWK": true, "EdDSA": true, "ES256": true, "JWT": true,
	"Hardhat": true, "MetaMask": true, "Remix": true, "ethers.js": true, "solc": true,
	"PACT": true, "WBCSD": true, "GHG": true, "ISO": true, "GWP": true, "CPC": true, "UN": true, "CO": true, "CCER": true, "CEA": true,
	"Schema": true, "DAC": true, "EWMA": true, "mm": true, "SM4-GCM": true, "LOINC": true, "GB": true, "GB/T": true, "UNLOCODE": true, "UN/LOCODE": true,
}
