/** The operation GraphiQL opens with: one request across all three sources (flush left: it is shown as written). */
export const exampleOperation = `# One request across the three sources: identity usage, SIM usage and usage statements.
query Dashboard {
  organizations(first: 3) {
    nodes {
      name
      country
      accounts(first: 5) {
        nodes {
          name
          sandbox
          identityUsage(period: MONTHLY, last: 3) {
            nodes {
              product
              count
              period {
                start
                end
              }
            }
          }
        }
      }
    }
  }
  sims(first: 5) {
    nodes {
      iccid
      label
      network {
        name
        countryCode
      }
      bytesThisPeriod
      tags {
        name
        color
      }
      usage(last: 3) {
        nodes {
          time
          bytes
          country
          networkType
        }
      }
    }
  }
  usageStatements(first: 3) {
    totalCount
    nodes {
      year
      month
      plan
      userMonths
      billableUsers(first: 5) {
        totalCount
        nodes {
          name
          primaryEmail
        }
      }
    }
  }
}
`;
