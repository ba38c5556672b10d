// A certified OpenID provider (the npm package oidc-provider) for the end-to-end tests.
// Configured from the environment by the test fixture:
//   OIDC_PORT       loopback port to listen on
//   OIDC_CLIENTS    JSON list of client metadata (client_id, client_secret, redirect_uris)
//   OIDC_ACCOUNTS   JSON object: login name -> claims (sub is the login name)
// The provider's own development login page accepts any password for a known login name.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  pkce: { required: () => true },
  scopes: ["openid", "email", "profile", "groups"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    groups: ["groups"],
  },
  conformIdTokenClaims: false,
  cookies: { keys: ["alleen-voor-de-tests"] },
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
});
provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider luistert op ${port}`));
