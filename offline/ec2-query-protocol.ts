/**
 * The EC2 query protocol: a form-encoded `POST /` naming `Action` and `Version`; answers are
 * `<{Action}Response xmlns=…><requestId>…` with lowerCamel elements, errors are
 * `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`.
 */
import type { Call } from './call.js';
import { EC2_OPERATIONS } from './ec2-api.js';
import { ServiceError } from './service-error.js';
import type { WireRequest, WireResponse } from './wire.js';
import { escapeXml, xmlElement } from './xml.js';

const API_VERSION = '2016-11-15';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function ec2QueryCall(request: WireRequest, requestId: string): Call {
  const params: ReadonlyMap<string, string> = new Map(new URLSearchParams(request.body));
  const action = params.get('Action') ?? '';
  const operation = EC2_OPERATIONS[action];
  return {
    service: 'ec2',
    operation: action,
    protocol: 'ec2Query',
    input: Object.fromEntries(params),
    run(state) {
      if (operation === undefined) {
        throw new ServiceError(
          'InvalidAction',
          `The action ${action || '(none)'} is not valid for this web service.`,
        );
      }
      const content = xmlElement('requestId', requestId) + operation(params, state);
      const root = `${action}Response`;
      return respond(
        200,
        requestId,
        `<${root} xmlns="http://ec2.amazonaws.com/doc/${API_VERSION}/">${content}</${root}>`,
      );
    },
    fail(error) {
      const detail =
        xmlElement('Code', escapeXml(error.code)) + xmlElement('Message', escapeXml(error.message));
      const errors = xmlElement('Errors', xmlElement('Error', detail));
      return respond(
        error.statusCode,
        requestId,
        xmlElement('Response', errors + xmlElement('RequestID', requestId)),
      );
    },
  };
}

function respond(statusCode: number, requestId: string, xml: string): WireResponse {
  return {
    statusCode,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body: XML_DECLARATION + xml,
  };
}
