/**
 * Outbound mail (specification section 8): the durable relay queue under {@code data_dir/queue/},
 * delivery to the next hop over SMTP on Netty, delivery status notifications (RFC 3464) and DKIM
 * signatures (RFC 6376). It knows the storage module's durable file operations and nothing of the
 * receiving protocols or the guard.
 */
package org.agua.outbound;
