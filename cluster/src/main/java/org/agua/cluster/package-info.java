/**
 * Several Agua nodes sharing their guards through Redis: bans (stored in a hash and announced on a
 * channel) and failed-login counts (batched). Each node decides from its own guard, which this
 * module keeps in step; when Redis is away the nodes go on with what they know.
 */
package org.agua.cluster;
