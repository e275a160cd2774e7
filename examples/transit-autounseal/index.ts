import { outputs, transitAutounseal } from "./program";

const { keyHolderAddress, appAddress, appCustody } = outputs(transitAutounseal());
export { keyHolderAddress, appAddress, appCustody };
