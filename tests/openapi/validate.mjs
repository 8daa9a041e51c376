// Validates an OpenAPI document (structure and references) with swagger-parser.
import SwaggerParser from "@apidevtools/swagger-parser";

const api = await SwaggerParser.validate(process.argv[2]);
if (!api.openapi.startsWith("3.0.")) throw new Error(`openapi is ${api.openapi}, not 3.0.x`);
console.log(`${process.argv[2]}: valid OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`);
